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

export function fitSms(text: string): FittedSms {
  const clean = text.replace(/\s+/g, ' ').trim();
  const septets = gsm7Units(clean);
  if (septets !== null) {
    if (septets <= GSM7_LIMIT) return { text: clean, encoding: 'gsm7', units: septets, truncated: false };
    let out = '';
    let n = 0;
    for (const ch of clean) {
      const cost = GSM7_EXTENSION.has(ch) ? 2 : 1;
      if (n + cost > GSM7_LIMIT - 3) break;
      out += ch;
      n += cost;
    }
    return { text: `${out}...`, encoding: 'gsm7', units: n + 3, truncated: true };
  }
  if (clean.length <= UCS2_LIMIT) return { text: clean, encoding: 'ucs2', units: clean.length, truncated: false };
  let out = '';
  // Iterating by code point never splits a surrogate pair.
  for (const ch of clean) {
    if (out.length + ch.length > UCS2_LIMIT - 1) break;
    out += ch;
  }
  return { text: `${out}…`, encoding: 'ucs2', units: out.length + 1, truncated: true };
}
