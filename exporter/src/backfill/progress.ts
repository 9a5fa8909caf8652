// Progress on stderr: on a terminal one line redrawn four times a second; elsewhere (a
// pipe, a log file, a CI job) a plain line every so often, so a long run is never silent
// and never floods its log.
const TTY_EVERY_MS = 250;

export interface ProgressOptions {
  /** Time between two lines when stderr is not a terminal. */
  logEveryMs: number;
  now?: () => number;
}

export class Progress {
  private readonly started: number;
  private last = 0;
  private readonly now: () => number;

  constructor(
    private readonly totalBytes: number,
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly opts: ProgressOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.started = this.now();
    this.last = this.started;
  }

  update(bytes: number, lines: number): void {
    const t = this.now();
    if (t - this.last < (this.out.isTTY ? TTY_EVERY_MS : this.opts.logEveryMs)) return;
    this.last = t;
    this.write(describe(bytes, lines, this.totalBytes, t - this.started));
  }

  done(bytes: number, lines: number): void {
    this.write(describe(bytes, lines, this.totalBytes, this.now() - this.started));
    if (this.out.isTTY) this.out.write('\n');
  }

  private write(text: string): void {
    this.out.write(this.out.isTTY ? `\r\x1b[K${text}` : `${text}\n`);
  }
}

/** `12.5% 1.2 GB of 9.6 GB, 14,200,000 lines, 410,000 lines/s, ETA 0:05:12` */
export function describe(bytes: number, lines: number, totalBytes: number, elapsedMs: number): string {
  const share = totalBytes > 0 ? bytes / totalBytes : 1;
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? lines / seconds : 0;
  const eta = bytes > 0 && share < 1 ? clock((seconds * (totalBytes - bytes)) / bytes) : share >= 1 ? '0:00:00' : '?';
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  return `backfill: ${(share * 100).toFixed(1)}% ${size(bytes)} of ${size(totalBytes)}, ${n(lines)} lines, ${n(rate)} lines/s, ETA ${eta}`;
}

function size(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`;
  return `${(b / 1e3).toFixed(0)} kB`;
}

function clock(s: number): string {
  const t = Math.round(s);
  return `${Math.floor(t / 3600)}:${String(Math.floor(t / 60) % 60).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
}
