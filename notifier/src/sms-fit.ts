// One alert, one SMS: a concatenated SMS can arrive in pieces or out of order on an
// on-call phone, so the rendered text is fitted to a single message. GSM-7 carries 160
// characters (those of the extension table cost two); a text with any other character
// (Arabic, most accents) goes as UCS-2, 70 UTF-16 units.

const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENSION = new Set('^{}\\[~]|€\f');

export const GSM7_LIMIT = 160;
export const UCS2_LIMIT = 70;

export interface FittedSms {
  text: string;
  encoding: 'gsm7' | 'ucs2';
  /** Septets (GSM-7) or UTF-16 units (UCS-2) the text takes. */
  units: number;
  truncated: boolean;
}

/** Septets for a GSM-7 text, or null when a character is outside GSM-7. */
export function gsm7Units(text: string): number | null {
  let n = 0;
  for (const ch of text) {
    if (GSM7_BASIC.has(ch)) n += 1;
    else if (GSM7_EXTENSION.has(ch)) n += 2;
    else return null;
  }
  return n;
}

const fold = (s: string) => s.replace(/\s+/g, ' ').trim();
const joined = (body: string, tail: string) => (tail ? `${body} ${tail}` : body);

/**
 * Fits `text` followed by `tail` into one SMS. Only `text` is cut, so a short tail (a
 * group's alert count) always arrives; whitespace is folded so newlines cost nothing.
 */
export function fitSms(text: string, tail = ''): FittedSms {
  const body = fold(text);
  const end = fold(tail);
  const whole = joined(body, end);
  const encoding = gsm7Units(whole) === null ? 'ucs2' : 'gsm7';
  // A character's cost: septets in GSM-7, UTF-16 units in UCS-2 (an emoji takes two).
  const cost = encoding === 'gsm7' ? (ch: string) => (GSM7_EXTENSION.has(ch) ? 2 : 1) : (ch: string) => ch.length;
  const units = (s: string) => {
    let n = 0;
    for (const ch of s) n += cost(ch);
    return n;
  };
  const limit = encoding === 'gsm7' ? GSM7_LIMIT : UCS2_LIMIT;
  if (units(whole) <= limit) return { text: whole, encoding, units: units(whole), truncated: false };
  const mark = encoding === 'gsm7' ? '...' : '…';
  const room = limit - units(mark) - (end ? units(end) + 1 : 0);
  let cut = '';
  let used = 0;
  // Iterating by code point never splits a surrogate pair.
  for (const ch of body) {
    if (used + cost(ch) > room) break;
    cut += ch;
    used += cost(ch);
  }
  const fitted = joined(cut + mark, end);
  return { text: fitted, encoding, units: units(fitted), truncated: true };
}
