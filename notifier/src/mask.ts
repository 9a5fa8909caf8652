// Recipients are personal data: the journal and the API show them masked, and
// deduplication keys them by a keyed hash that cannot be reversed without the secret.
import { createHmac } from 'node:crypto';

/** 213770123456 -> 2137*****456: operator prefix and last digits, enough to tell numbers apart. */
export function maskNumber(n: string): string {
  const digits = n.replace(/^\+/, '');
  if (digits.length <= 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 4)}${'*'.repeat(digits.length - 7)}${digits.slice(-3)}`;
}

/** noc-billing@djezzy.dz -> n*********g@djezzy.dz */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const hidden = local.length <= 2 ? '*'.repeat(local.length) : `${local[0]}${'*'.repeat(local.length - 2)}${local[local.length - 1]}`;
  return `${hidden}${address.slice(at)}`;
}

export function keyedHash(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('hex').slice(0, 20);
}
