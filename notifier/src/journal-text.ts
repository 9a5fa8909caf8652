// Text that reaches the journal (and its API) from outside: a gateway's answer, why a
// request was refused. A mail server may quote the recipient's address, a refusal may
// quote the body: masked by the project's one rule, then cut, so an entry stays small
// whatever was sent.
import { maskEmails, maskMsisdns } from '@ussdwatch/common/mask.js';
import { shorten } from './retry.js';

export function journalText(s: string): string {
  return shorten(maskEmails(maskMsisdns(s)));
}
