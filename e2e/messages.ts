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
  /** The mail's alert name; empty for an SMS, which tells the incident in words. */
  alertname: string;
  /** The incident number an SMS names (#12). */
  incident?: number;
  to: string[];
  /** The decoded text: the SMS, or the mail's subject and plain-text body. */
  text: string;
  seenAt: number;
}

// The notifier's incident SMS (notifier/src/incident-messages.ts), French or English:
// `ALERTE T3 *720# Forfaits: <what>. Depuis 14:02. #12 ...`, `RESOLVED T2 node gw02: ...`.
const SMS = /^(ALERTE|ALERT|RESOLU|RESOLVED) T(\d) (?:(?:noeud|node|source) )?([^\s:]+)[^:]*:.*?#(\d+)/;
// The notifier's mail subject (notifier/src/mail-body.ts): `[ussdwatch T3] FIRING: ShortCodeInternalErrors *710# (1 firing)`;
// alerts without a short code go straight to the count: `... LogSourceSilent (1 firing)`, or
// when resolved to the incident: `... RESOLVED: LogSourceSilent incident #8` (a code starts with * or #).
const SUBJECT = /^\[ussdwatch T(\d)\] (FIRING|RESOLVED): (\w+)(?: ([*#]\S*))?/;

export function smsNotice(m: Seen<ReceivedSms>): Notice | null {
  const r = SMS.exec(m.text);
  if (!r) return null;
  const code = /^[*#]/.test(r[3]) ? r[3] : '';
  return { channel: 'sms', status: r[1].startsWith('ALERT') ? 'firing' : 'resolved', tier: r[2], shortCode: code, alertname: '', incident: Number(r[4]), to: [m.to], text: m.text, seenAt: m.seenAt };
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

/**
 * SMS beyond the first per recipient, incident, tier and status: the notifier tells each
 * person once of an incident reaching a tier and once of its end, whatever the number of
 * rules that fired for it (and of Alertmanager's copies and retries).
 */
export function duplicateSms(notices: readonly Notice[]): Array<{ notice: Notice; previous: Notice }> {
  const first = new Map<string, Notice>();
  const dups: Array<{ notice: Notice; previous: Notice }> = [];
  for (const n of [...notices].sort((a, b) => a.seenAt - b.seenAt)) {
    const key = `${n.to[0]}|#${n.incident}|T${n.tier}|${n.status}`;
    const prev = first.get(key);
    if (prev) dups.push({ notice: n, previous: prev });
    else first.set(key, n);
  }
  return dups;
}

/** The most paging SMS (ALERT) one person got for one incident at one tier. */
export function smsPerIncidentMax(notices: readonly Notice[]): number {
  const counts = new Map<string, number>();
  for (const n of notices) {
    if (n.channel !== 'sms' || n.status !== 'firing' || n.incident === undefined) continue;
    const key = `${n.to[0]}|#${n.incident}|T${n.tier}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}
