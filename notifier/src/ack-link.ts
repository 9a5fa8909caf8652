// The mail's acknowledgement link: the incident and an expiry, signed with the notifier's
// key, so that whoever holds the mail (and only until it expires) can acknowledge without
// an account. The link opens a page whose button POSTs: mail scanners that fetch links
// never acknowledge anything.
import { timingSafeEqual } from 'node:crypto';
import { keyedHash } from './keyed-hash.js';

const signature = (secret: string, id: number, exp: number) => keyedHash(secret, `ack|${id}|${exp}`);

export function ackLink(baseUrl: string, secret: string, id: number, expiresMs: number): string {
  const exp = Math.floor(expiresMs / 1000);
  return `${baseUrl}/ack/${id}?exp=${exp}&sig=${signature(secret, id, exp)}`;
}

/** Why the link is refused, or null when it is good now. */
export function checkAckLink(secret: string, id: number, exp: string | null, sig: string | null, now = Date.now()): string | null {
  if (!exp || !sig || !/^\d+$/.test(exp)) return 'the link is incomplete';
  const want = Buffer.from(signature(secret, id, Number(exp)));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'the link is not one the notifier signed';
  if (Number(exp) * 1000 < now) return 'the link has expired';
  return null;
}
