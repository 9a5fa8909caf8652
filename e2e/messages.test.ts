import { describe, expect, it } from 'vitest';
import { mailNotice } from './messages.js';

const mail = (subject: string) => mailNotice({ subject, to: ['noc@djezzy.dz'], raw: '', seenAt: 1 } as never);

describe('mailNotice', () => {
  it('reads the short code only when the subject names one', () => {
    expect(mail('[ussdwatch T3] RESOLVED: ShortCodeAppTimeouts *710# incident #7')).toMatchObject({ status: 'resolved', tier: '3', alertname: 'ShortCodeAppTimeouts', shortCode: '*710#' });
    // A source's incident ends with its number where a code would be.
    expect(mail('[ussdwatch T2] RESOLVED: LogSourceSilent incident #8')).toMatchObject({ status: 'resolved', tier: '2', alertname: 'LogSourceSilent', shortCode: '' });
    expect(mail('[ussdwatch T2] FIRING: LogSourceSilent (1 firing) incident #8')).toMatchObject({ status: 'firing', shortCode: '' });
  });
});
