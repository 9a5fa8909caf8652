// Subscriber numbers (MSISDNs) and e-mail addresses are personal data: wherever one is
// shown (the events API, logs, the notifier's journal and messages, the Grafana app), it
// is masked by the one rule below, alone or inside a text. Browser-safe: the Grafana app
// bundles it.
//
// A number keeps at most its first 4 and its last 3 characters and always hides at least 5:
//   213770123456  -> 2137*****456   country code and operator (2137: a Djezzy number), and
//                                   the last digits a complaint is matched on
//   +213770123456 -> +2137*****456  the + is not a digit and is kept
//   0770123456    -> 07*****456     national form: still 5 hidden
//   12345678      -> *****678
//   12345         -> *****
// Why this shape rather than 21377****456: a fifth leading digit tells the on-call engineer
// nothing the first four do not (213 + 7 already names the operator), and it leaves only
// 10,000 candidates for a 12-digit number; five hidden digits leave 100,000, whatever the
// length, where the old rule hid only two of a 10-digit national number.
const MAX_HEAD = 4;
const MAX_TAIL = 3;
const MIN_HIDDEN = 5;

export function maskMsisdn(msisdn: string): string {
  const s = msisdn.trim();
  const plus = s.startsWith('+') ? '+' : '';
  const digits = s.slice(plus.length);
  const hidden = Math.max(MIN_HIDDEN, digits.length - MAX_HEAD - MAX_TAIL);
  const shown = Math.max(0, digits.length - hidden);
  const tail = Math.min(MAX_TAIL, shown);
  const head = shown - tail;
  return plus + digits.slice(0, head) + '*'.repeat(digits.length - shown) + digits.slice(digits.length - tail);
}

// Any run of 9 to 15 digits, the length of an international number, wherever it stands.
const MSISDN_IN_TEXT = /\+?(?<!\d)\d{9,15}(?!\d)/g;

/** Masks every number in a free text (a dialed string, a log line, an alert's description). */
export function maskMsisdns(text: string): string {
  return text.replace(MSISDN_IN_TEXT, maskMsisdn);
}

/**
 * An address keeps the first and last character of its local part, and its domain (the
 * organisation, not the person): noc-billing@djezzy.dz -> n*********g@djezzy.dz. A local
 * part of two characters or less is hidden whole; without an @ the whole text is the local part.
 */
export function maskEmail(address: string): string {
  const s = address.trim();
  const at = s.lastIndexOf('@');
  const local = at < 0 ? s : s.slice(0, at);
  const domain = at < 0 ? '' : s.slice(at);
  const hidden = local.length <= 2 ? '*'.repeat(local.length) : `${local[0]}${'*'.repeat(local.length - 2)}${local[local.length - 1]}`;
  return hidden + domain;
}

// An address inside a text (a mail server's answer quoting the recipient): local part, @,
// a domain with at least one dot. Bounded quantifiers: linear on any input.
const EMAIL_IN_TEXT = /[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g;

/** Masks every e-mail address in a free text by maskEmail's rule. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL_IN_TEXT, maskEmail);
}
