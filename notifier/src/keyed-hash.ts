// Recipients are personal data: the journal and the API show them masked (common/mask),
// and deduplication keys them by a keyed hash that cannot be reversed without the secret.
import { createHmac } from 'node:crypto';

export function keyedHash(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('hex').slice(0, 20);
}
