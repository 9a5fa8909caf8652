// SMS through Kannel's smsbox HTTP interface (sendsms), one request per recipient.
import type { NotifierConfig } from './config.js';
import type { FittedSms } from './sms-fit.js';
import { journalText } from './journal-text.js';
import type { Outcome } from './retry.js';

// Kannel answers 503 when its queue is full or the bearerbox is away; the other 5xx of a
// proxy in front of it mean the same. 4xx (bad credentials, bad number) never get better.
const TRANSIENT = new Set([502, 503, 504]);

/** `dlrUrl`: where Kannel reports the delivery (dlr-mask 31: delivered, undelivered, queued, SMSC accepted or refused). */
export type SmsSender = (to: string, sms: FittedSms, dlrUrl?: string) => Promise<Outcome>;

/** `settings` is read at each SMS: a reload's new Kannel address or credentials take the next one. */
export function kannelSender(settings: () => NotifierConfig['sms']): SmsSender {
  return async (to, sms, dlrUrl) => {
    const cfg = settings();
    const url = new URL(cfg.sendsmsUrl);
    url.searchParams.set('username', cfg.user);
    url.searchParams.set('password', cfg.password);
    url.searchParams.set('from', cfg.sender);
    url.searchParams.set('to', to);
    url.searchParams.set('text', sms.text);
    url.searchParams.set('charset', 'UTF-8');
    url.searchParams.set('coding', sms.encoding === 'ucs2' ? '2' : '0');
    if (dlrUrl) {
      url.searchParams.set('dlr-mask', '31');
      url.searchParams.set('dlr-url', dlrUrl);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(cfg.timeoutMs) });
      const answer = journalText(await res.text());
      return { ok: res.ok, transient: TRANSIENT.has(res.status), status: res.status, answer };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { ok: false, transient: true, answer: journalText(`transport error: ${cause ?? (err as Error).message}`) };
    }
  };
}
