// Samples of recent malformed lines per source, for diagnosing a vendor format change
// from /api/malformed without shell access to the gateway.
import { maskMsisdns } from '@ussdwatch/common/mask.js';
import { Ring } from './ring.js';

export const MAX_SAMPLE_CHARS = 512;

export interface MalformedSample {
  reason: string;
  file: string;
  /** Wall-clock time the line was read, epoch ms. */
  at: number;
  /** At most MAX_SAMPLE_CHARS of the line (more to finish a number), control bytes escaped, numbers masked, marked when cut. */
  line: string;
}

/** The longest digit run the mask treats as a number (mask.ts). */
const MAX_NUMBER_DIGITS = 15;

/**
 * Makes a raw line safe to show: cut first (a 1 MB line must not be copied or retained
 * whole), never inside a number (half a number would escape the mask), then control
 * characters and U+FFFD made visible as escapes, then subscriber numbers masked (after
 * escaping: an escape such as \x01 must not join two digit runs into an unmasked one).
 */
export function sampleOf(line: string): string {
  let end = Math.min(line.length, MAX_SAMPLE_CHARS);
  while (end < line.length && end < MAX_SAMPLE_CHARS + MAX_NUMBER_DIGITS && isDigit(line.charCodeAt(end))) end++;
  const cut = end < line.length;
  // A plain slice may share the parent string's memory in V8: copy so the long line can be freed.
  const head = cut ? Buffer.from(line.slice(0, end)).toString() : line;
  // eslint-disable-next-line no-control-regex
  const escaped = head.replace(/[\u0000-\u001f\u007f\ufffd]/g, (ch) => {
    const c = ch.charCodeAt(0);
    if (c === 0x09) return '\\t';
    if (c === 0x0d) return '\\r';
    if (c === 0x0a) return '\\n';
    return c > 0xff ? `\\u${c.toString(16)}` : `\\x${c.toString(16).padStart(2, '0')}`;
  });
  const masked = maskMsisdns(escaped);
  return cut ? `${masked}... [${line.length} chars]` : masked;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export class MalformedStore {
  private readonly rings = new Map<string, Ring<MalformedSample>>();

  constructor(
    sources: readonly string[],
    private readonly perSource: number,
  ) {
    this.setSources(sources);
  }

  /** The configured sources: samples of those that stay are kept, removed ones are forgotten. */
  setSources(sources: readonly string[]): void {
    for (const name of this.rings.keys()) if (!sources.includes(name)) this.rings.delete(name);
    for (const s of sources) if (!this.rings.has(s)) this.rings.set(s, new Ring(this.perSource));
  }

  record(source: string, reason: string, file: string, line: string, at: number): void {
    this.rings.get(source)?.push({ reason, file, at, line: sampleOf(line) });
  }

  hasSource(source: string): boolean {
    return this.rings.has(source);
  }

  /** Newest first, across all sources unless one is named. */
  query(source?: string): Array<MalformedSample & { source: string }> {
    const out: Array<MalformedSample & { source: string }> = [];
    for (const [name, ring] of this.rings) {
      if (source !== undefined && source !== name) continue;
      for (const s of ring.newestFirst()) out.push({ source: name, ...s });
    }
    return out.sort((a, b) => b.at - a.at);
  }
}
