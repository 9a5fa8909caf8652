import { describe, expect, it } from 'vitest';
import { capSummarySms, SMS_CAP_WINDOW_MS, smsAllowance } from '../src/sms-cap.js';

const H = SMS_CAP_WINDOW_MS;
const sent = (...at: number[]) => at.map((t) => ({ at: t, capSummary: false }));

describe('the hourly SMS cap', () => {
  it('lets alerts through below cap - 1, then one summary, then holds', () => {
    expect(smsAllowance(sent(1, 2), 4, 10)).toEqual({ send: 'alert' });
    // 3 sent, cap 4: the 4th is the summary; alerts resume once the 2nd has left the hour (2 left in it).
    expect(smsAllowance(sent(1, 2, 3), 4, 10)).toEqual({ send: 'summary', resumeAt: 2 + H });
    expect(smsAllowance([...sent(1, 2, 3), { at: 10, capSummary: true }], 4, 11)).toEqual({ send: 'none', resumeAt: 2 + H });
  });

  it('resumes alerts while the summary is still in the hour, without a second summary', () => {
    const lastHour = [...sent(3), { at: 10, capSummary: true }];
    expect(smsAllowance(lastHour, 4, 2 + H + 1)).toEqual({ send: 'alert' });
    expect(smsAllowance([...lastHour, ...sent(2 + H + 1)], 4, 2 + H + 2)).toEqual({ send: 'none', resumeAt: 3 + H });
  });

  it('says how many alerts were held and until when, in one GSM-7 SMS', () => {
    const sms = capSummarySms(20, 3, Date.parse('2026-11-28T14:05:30Z'));
    expect(sms).toMatchObject({ text: 'ussdwatch: 20 SMS/h limit reached; 3 more alert(s) held until 14:05 UTC, see mail/app', encoding: 'gsm7', truncated: false });
  });
});
