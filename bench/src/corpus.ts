// The benchmark's input: a large-catalogue config and CDR lines with a realistic mix
// (mostly successes, a tail of user and internal errors, distinct typos, a few malformed
// lines), generated from a fixed seed so two runs measure the same work.
import { Rng } from '@ussdwatch/simulator/random.js';

export interface CorpusOptions {
  codes: number;
  seed?: number;
  /** Lines per thousand that dial a code outside the catalogue (NO_ROUTING_RULE). Default 39. */
  typosPerMille?: number;
  /**
   * How a typo is made. `distinct` (default): `*9<n>#`, a first segment no code has, new on
   * every line, longer than any code's. `near`: one random edit (substitution, insertion,
   * deletion, swap) of a catalogue code's digits, as a subscriber slips, which gives the
   * near-code search its full work; an edit may land on another catalogue code.
   */
  typos?: 'distinct' | 'near';
}

/** `*1000#`, `*1007#`, ...: one segment each, spaced so that most typos are unknown codes. */
export function benchCodes(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `*${1000 + i * 7}#`);
}

export function catalogueYaml(codes: readonly string[]): string {
  const teams = ['billing', 'offers', 'data', 'care', 'vas'];
  const rows = codes.map((c, i) => `    - { code: "${c}", name: "Service ${i}", team: ${teams[i % teams.length]}${i % 10 === 0 ? ', slow_ms: 2000' : ''} }`);
  return `short_codes:\n${rows.join('\n')}\n`;
}

const OUTCOMES: ReadonlyArray<[weight: number, status: string, mapError: string]> = [
  [86, 'SUCCESS', ''],
  [3, 'INVALID_INPUT', ''],
  [2, 'FAILED_DIALOG_USER_ABORT', ''],
  [1, 'FAILED_ABSENT_SUBSCRIBER', ''],
  [2, 'FAILED_APP_TIMEOUT', ''],
  [1, 'FAILED_SYSTEM_FAILURE', ''],
  [1, 'FAILED_MAP_ERROR_COMPONENT', '34'],
  [1, 'SERVER_OVERLOADED', ''],
  [1, 'SOME_VENDOR_STATUS', ''],
];

/** Writes CDR lines into `sink` in chunks of about `chunkLines` lines. */
export class CorpusGenerator {
  private readonly rng: Rng;
  private readonly codes: string[];
  private readonly table: string[] = [];
  private readonly mapErrors: string[] = [];
  private readonly typosPerMille: number;
  private readonly nearTypos: boolean;
  private seq = 0;
  /** ISO date and time to the second of the last line, rebuilt only when the second changes. */
  private second = -1;
  private secondText = '';

  constructor(opts: CorpusOptions) {
    this.rng = new Rng(opts.seed ?? 42);
    this.codes = benchCodes(opts.codes);
    this.typosPerMille = opts.typosPerMille ?? 39;
    this.nearTypos = opts.typos === 'near';
    for (const [w, status, map] of OUTCOMES) {
      for (let i = 0; i < w; i++) {
        this.table.push(status);
        this.mapErrors.push(map);
      }
    }
  }

  /** `n` lines joined with '\n' (each line terminated). */
  chunk(n: number): string {
    const rng = this.rng;
    const parts: string[] = new Array(n);
    const base = Date.UTC(2026, 10, 21, 12, 0, 0);
    // Lines end 1 ms apart; formatting a Date per line would dominate generation time.
    for (let i = 0; i < n; i++) {
      const k = this.seq++;
      const roll = rng.int(1000);
      if (roll === 0) {
        parts[i] = `garbage line ${k} without fields\n`;
        continue;
      }
      const sec = Math.floor(k / 1000);
      if (sec !== this.second) {
        this.second = sec;
        this.secondText = new Date(base + sec * 1000).toISOString().slice(0, 19);
      }
      const ts = `${this.secondText}.${String(k % 1000).padStart(3, '0')}+00:00`;
      const node = `gw0${1 + (k % 4)}`;
      const msisdn = `21377${(1000000 + rng.int(8999999)).toString()}`;
      let ussd: string;
      let status: string;
      let map = '';
      if (roll <= this.typosPerMille) {
        ussd = this.nearTypos ? this.nearTypo() : `*9${k}#`;
        status = 'NO_ROUTING_RULE';
      } else {
        ussd = this.codes[rng.int(this.codes.length)];
        const o = rng.int(this.table.length);
        status = this.table[o];
        map = this.mapErrors[o];
      }
      const app = status === 'SUCCESS' ? (rng.next() < 0.03 ? 3500 : 100 + rng.int(900)) : status === 'FAILED_APP_TIMEOUT' ? '' : 50 + rng.int(300);
      parts[i] = `${ts}|${node}|${k.toString(16)}|${msisdn}|${ussd}|PULL|1|${status}|${map}|1|${app}|${2000 + rng.int(8000)}\n`;
    }
    return parts.join('');
  }

  /** A catalogue code's digits with one random edit. */
  private nearTypo(): string {
    const rng = this.rng;
    const code = this.codes[rng.int(this.codes.length)];
    const seg = code.slice(1, -1);
    const at = rng.int(seg.length);
    const digit = String(rng.int(10));
    switch (rng.int(4)) {
      case 0:
        return `*${seg.slice(0, at)}${digit}${seg.slice(at + 1)}#`;
      case 1:
        return `*${seg.slice(0, at)}${digit}${seg.slice(at)}#`;
      case 2:
        return `*${seg.slice(0, at)}${seg.slice(at + 1)}#`;
      default:
        return at + 1 < seg.length ? `*${seg.slice(0, at)}${seg[at + 1]}${seg[at]}${seg.slice(at + 2)}#` : `*${seg}${digit}#`;
    }
  }
}
