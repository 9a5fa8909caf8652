// The SMS a notification becomes: the words e2e/messages.ts reads back, the group count,
// one message whatever the summary's length or script, and no subscriber number in clear.
import { describe, expect, it } from 'vitest';
import { smsNotice } from '../../e2e/messages.js';
import { noticeOf, smsMessage } from '../src/messages.js';
import { GSM7_LIMIT, gsm7Units, UCS2_LIMIT } from '../src/sms-fit.js';
import { parsedPayload as parsed } from './helpers.js';

describe('smsMessage', () => {
  it('says firing, tier, short code, alert and summary in one GSM-7 message', () => {
    expect(smsMessage(parsed())).toEqual({ text: 'ALERT T2 *710# UssdAppTimeouts: *710# Solde: application timeouts at 31%', encoding: 'gsm7', units: 72, truncated: false });
  });

  it('says RESOLVED once the group is resolved', () => {
    expect(smsMessage(parsed({ status: 'resolved' })).text).toBe('RESOLVED T2 *710# UssdAppTimeouts: *710# Solde: application timeouts at 31%');
  });

  it('goes straight from the tier to the alert when there is no short code', () => {
    const p = parsed({ alertname: 'LogSourceSilent' }, [], (r) => {
      delete r.groupLabels.short_code;
      r.commonAnnotations.summary = 'Log source gw03 silent for 5m';
    });
    expect(smsMessage(p).text).toBe('ALERT T2 LogSourceSilent: Log source gw03 silent for 5m');
  });

  it('lists the distinct summaries of a group without a common one, and counts the firing alerts', () => {
    const p = parsed({ status: 'resolved', summary: 'first' }, [{ summary: 'second' }, { summary: 'second' }]);
    expect(smsMessage(p).text).toBe('ALERT T2 *710# UssdAppTimeouts: first; second (2/3 firing)');
  });

  it('cuts a long summary to 160 septets but keeps the group count whole', () => {
    const sms = smsMessage(parsed({ summary: 'x'.repeat(300) }, [{ summary: 'y' }]));
    expect(sms).toMatchObject({ encoding: 'gsm7', units: GSM7_LIMIT, truncated: true });
    expect(gsm7Units(sms.text)).toBe(GSM7_LIMIT);
    expect(sms.text).toMatch(/^ALERT T2 \*710# UssdAppTimeouts: x+\.\.\. \(2\/2 firing\)$/);
  });

  it('goes as UCS-2 within 70 units when the summary is Arabic', () => {
    const short = smsMessage(parsed({ summary: 'انقطاع الخدمة' }));
    expect(short).toMatchObject({ text: 'ALERT T2 *710# UssdAppTimeouts: انقطاع الخدمة', encoding: 'ucs2', truncated: false });
    const long = smsMessage(parsed({ summary: 'انقطاع خدمة الفورفيه '.repeat(5) }));
    expect(long).toMatchObject({ encoding: 'ucs2', units: UCS2_LIMIT, truncated: true });
    expect(long.text.length).toBe(UCS2_LIMIT);
    expect(long.text.endsWith('…')).toBe(true);
  });

  it('is read back by the e2e exactly as it was meant', () => {
    const at = { to: '213770000101', from: 'Djezzy-NOC', type: 'text' as const, seenAt: 1 };
    expect(smsNotice({ ...at, text: smsMessage(parsed({ tier: '3', short_code: '*720#', alertname: 'ShortCodeAppTimeouts' })).text }))
      .toMatchObject({ status: 'firing', tier: '3', shortCode: '*720#', alertname: 'ShortCodeAppTimeouts' });
    const noCode = parsed({ status: 'resolved', alertname: 'NodeOverloaded' }, [], (r) => delete r.groupLabels.short_code);
    expect(smsNotice({ ...at, text: smsMessage(noCode).text })).toMatchObject({ status: 'resolved', tier: '2', shortCode: '', alertname: 'NodeOverloaded' });
  });
});

describe('subscriber numbers', () => {
  it('never reach the SMS or the notice in clear', () => {
    const p = parsed({ summary: 'failures for 213770123456' }, [], (r) => {
      r.alerts[0].annotations.runbook_url = 'https://runbooks.example/x?msisdn=213770123456';
      r.alerts[0].labels.node = '213770123456';
    });
    expect(smsMessage(p).text).toBe('ALERT T2 *710# UssdAppTimeouts: failures for 2137*****456');
    expect(JSON.stringify(noticeOf(p))).not.toContain('213770123456');
  });
});
