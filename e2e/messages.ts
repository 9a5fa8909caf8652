// What the people on call received, read back from fakesmsc and the SMTP server: which
// alert, tier, short code and status each SMS or mail is about, and duplicate SMS.
import type { ReceivedMail, ReceivedSms } from '@ussdwatch/testkit';
import type { Seen } from '@ussdwatch/testkit/stack';

export type Status = 'firing' | 'resolved';

export interface Notice {
  channel: 'sms' | 'email';
  status: Status;
  tier: string;
  /** Empty for alerts about a node, a log source or the DPSS feed. */
  shortCode: string;
  alertname: string;
  to: string[];
  /** The decoded text: the SMS, or the mail's subject and plain-text body. */
  text: string;
  seenAt: number;
}

// The notifier's SMS (notifier/src/messages.ts): `ALERT T3 *710# ShortCodeInternalErrors: <summary>` (or RESOLVED);
// without a short code the alert name follows the tier (`ALERT T2 LogSourceSilent: ...`).
const SMS = /^(ALERT|RESOLVED) T(\d) +(?:([^\s:]+) +)?(\w+):/;
// The notifier's mail subject (notifier/src/mail-body.ts): `[ussdwatch T3] FIRING: ShortCodeInternalErrors *710# (1 firing)`;
// alerts without a short code go straight to the count: `... LogSourceSilent (1 firing)`.
const SUBJECT = /^\[ussdwatch T(\d)\] (FIRING|RESOLVED): (\w+)(?: ([^\s(]\S*))?/;

export function smsNotice(m: Seen<ReceivedSms>): Notice | null {
  const r = SMS.exec(m.text);
  if (!r) return null;
  return { channel: 'sms', status: r[1] === 'ALERT' ? 'firing' : 'resolved', tier: r[2], shortCode: r[3] ?? '', alertname: r[4], to: [m.to], text: m.text, seenAt: m.seenAt };
}

function decodeQuotedPrintable(body: string): string {
  const bytes = Buffer.from(body.replace(/=\r?\n/g, ''), 'latin1');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const hex = bytes[i] === 0x3d ? bytes.toString('latin1', i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(bytes[i]);
  }
  return Buffer.from(out).toString('utf8');
}

/** The text/plain parts of a MIME message, decoded (nodemailer uses quoted-printable or base64). */
export function mailText(raw: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  const parts = boundary ? raw.split(`--${boundary}`) : [raw];
  const texts: string[] = [];
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const body = part.slice(split).trim();
    if (!/content-type:\s*text\/plain/i.test(headers) && boundary) continue;
    const cte = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1].toLowerCase();
    texts.push(cte === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : cte === 'quoted-printable' ? decodeQuotedPrintable(body) : body);
  }
  return texts.join('\n');
}

export function mailNotice(m: Seen<ReceivedMail>): Notice | null {
  const r = SUBJECT.exec(m.subject);
  if (!r) return null;
  return { channel: 'email', status: r[2] === 'FIRING' ? 'firing' : 'resolved', tier: r[1], alertname: r[3], shortCode: r[4] ?? '', to: m.to, text: `${m.subject}\n${mailText(m.raw)}`, seenAt: m.seenAt };
}

// A group of several alerts ends its SMS with `(firing/total firing)`.
const GROUP_COUNT = /\((\d+\/\d+) firing\)$/;

/**
 * SMS beyond the first per recipient, alert and status: a second ALERT for a group without
 * a RESOLVED in between (or the reverse) is a duplicate. A new firing after a resolution is
 * not, nor is the SMS saying that another alert joined the group (its count changed).
 */
export function duplicateSms(notices: readonly Notice[]): Array<{ notice: Notice; previous: Notice }> {
  const last = new Map<string, Notice>();
  const dups: Array<{ notice: Notice; previous: Notice }> = [];
  for (const n of [...notices].sort((a, b) => a.seenAt - b.seenAt)) {
    const key = `${n.to[0]}|T${n.tier}|${n.shortCode}|${n.alertname}`;
    const prev = last.get(key);
    const count = (x: Notice) => GROUP_COUNT.exec(x.text)?.[1] ?? '1/1';
    if (prev && prev.status === n.status && count(prev) === count(n)) dups.push({ notice: n, previous: prev });
    last.set(key, n);
  }
  return dups;
}
