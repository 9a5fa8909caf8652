// At most `cap` SMS per recipient in any hour: a flood of alerts (a broken rule, a forged
// webhook) must not bury an on-call phone. The last SMS the cap allows is one summary
// saying alerts are held and where to read them; the mail still carries every alert.
// Pure: the deliveries counted come from the journal, so the cap survives a restart.
import type { SmsDelivery } from './journal.js';
import { fitSms, type FittedSms } from './sms-fit.js';

export const SMS_CAP_WINDOW_MS = 3_600_000;

/** resumeAt: when alerts go again (the app shows a held SMS as held until then). */
export type SmsAllowance = { send: 'alert' } | { send: 'summary'; resumeAt: number } | { send: 'none'; resumeAt: number };

/**
 * What the next SMS to a recipient may be, given the SMS delivered to them in the last hour
 * (oldest first): the alert while fewer than cap - 1 went out; else the one summary of the
 * hour (the cap-th SMS); else nothing until enough of them have left the hour.
 */
export function smsAllowance(lastHour: readonly SmsDelivery[], cap: number, now: number): SmsAllowance {
  if (lastHour.length < cap - 1) return { send: 'alert' };
  // Alerts go again once fewer than cap - 1 are left in the hour.
  if (lastHour.some((d) => d.capSummary)) return { send: 'none', resumeAt: lastHour[lastHour.length - cap + 1].at + SMS_CAP_WINDOW_MS };
  // With the summary, cap SMS in the hour: alerts go again once all but cap - 2 have left it.
  const times = [...lastHour.map((d) => d.at), now];
  return { send: 'summary', resumeAt: times[times.length - cap + 1] + SMS_CAP_WINDOW_MS };
}

/** `ussdwatch: 20 SMS/h limit reached; 3 more alert(s) held until 14:05 UTC, see mail/app` */
export function capSummarySms(cap: number, held: number, resumeAt: number): FittedSms {
  const until = new Date(resumeAt).toISOString().slice(11, 16);
  return fitSms(`ussdwatch: ${cap} SMS/h limit reached; ${held} more alert(s) held until ${until} UTC, see mail/app`);
}
