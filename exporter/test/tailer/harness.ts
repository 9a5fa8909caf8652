// Real files in a temp folder, a real tailer, and the lines it delivered. Each written
// line carries a unique sequence number so tests assert exact sequences, not counts.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@ussdwatch/testkit';
import { PositionStore } from '../../src/tailer/positions.js';
import { SourceTailer, type SourceTailerOptions, type TailerEvent } from '../../src/tailer/source-tailer.js';

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-tailer-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

let scenarios = 0;
/** A fresh log folder (with the path of its gw01.log) and state folder below `root`. */
export function scenario(root: string): { logs: string; file: string; state: string } {
  scenarios++;
  const logs = join(root, `logs${scenarios}`);
  mkdirSync(logs);
  return { logs, file: join(logs, 'gw01.log'), state: join(root, `state${scenarios}`) };
}

/** A gateway-like line whose first field is its sequence number. */
export function line(seq: number): string {
  return `${seq}|gw01|${seq.toString(16)}|213770123456|*710#|PULL|1|SUCCESS||1|842|6120\n`;
}

export function lines(from: number, to: number): string {
  let s = '';
  for (let i = from; i <= to; i++) s += line(i);
  return s;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export interface Delivered {
  line: string;
  file: string;
}

export class Harness {
  readonly delivered: Delivered[] = [];
  readonly events: TailerEvent[] = [];
  readonly tailer: SourceTailer;

  constructor(opts: Omit<SourceTailerOptions, 'onLines' | 'onEvent'>) {
    this.tailer = new SourceTailer({
      ...opts,
      onLines: (ls, file) => {
        for (const l of ls) this.delivered.push({ line: l, file });
      },
      onEvent: (e) => this.events.push({ ...e, at: this.delivered.length } as TailerEvent),
    });
  }

  /** A tailer of source 'gw' reading files present at first start from their beginning, unless opts say otherwise. */
  static async open(stateDir: string, opts: Partial<SourceTailerOptions> & { glob: string }): Promise<Harness> {
    return new Harness({ source: 'gw', startAt: 'beginning', ...opts, positions: await PositionStore.open(stateDir) });
  }

  /** Sequence numbers delivered, in delivery order. */
  seqs(): number[] {
    return this.delivered.map((d) => Number(d.line.split('|', 1)[0]));
  }

  kinds(): string[] {
    return this.events.map((e) => e.kind);
  }

  /** Polls until `count` lines were delivered (or the deadline passes). */
  async pollUntil(count: number, timeoutMs = 5000): Promise<void> {
    await waitFor(
      async () => {
        await this.tailer.pollOnce();
        return this.delivered.length >= count;
      },
      { timeoutMs, intervalMs: 5, what: `${count} lines (got ${this.delivered.length})` },
    );
  }
}
