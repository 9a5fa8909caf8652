// A gateway's log file, rotated the way gateways (and logrotate without copytruncate)
// do it: the live file is renamed to .1, older ones shift up to .N (the oldest is
// dropped), and a fresh file is created under the live name.
import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

// Big writes keep the syscall count low at 100,000 lines/s.
const FLUSH_CHARS = 1 << 18;

export interface RotationPolicy {
  /** Rotate once the live file reaches this many bytes; null: never by size. */
  maxBytes: number | null;
  /** Rotate every this many ms of (simulated) time; null: never by time. */
  intervalMs: number | null;
  /** Rotated files kept (.1 .. .keep), at least 1. */
  keep: number;
}

export class RotatingLog {
  private fd: number;
  /** Size of the live file, buffered text included. */
  private bytes: number;
  private buffered = '';
  private nextRotateAt: number;
  /** How many times the file was rotated: 0 while the first file is live. */
  segment = 0;

  constructor(readonly path: string, private readonly policy: RotationPolicy, startMs: number) {
    this.fd = openSync(path, 'a');
    this.bytes = fstatSync(this.fd).size;
    this.nextRotateAt = policy.intervalMs === null ? Infinity : startMs + policy.intervalMs;
  }

  /** Whether a line of `length` characters written at time `t` should go to a new file. */
  due(t: number, length: number): boolean {
    const max = this.policy.maxBytes;
    return t >= this.nextRotateAt || (max !== null && this.bytes > 0 && this.bytes + length > max);
  }

  /** Appends text (whole lines); written out by flush() or once enough has gathered. */
  append(text: string): void {
    this.buffered += text;
    // Lines are ASCII except corrupted ones, so characters count bytes closely enough.
    this.bytes += text.length;
    if (this.buffered.length >= FLUSH_CHARS) this.flush();
  }

  flush(): void {
    if (this.buffered === '') return;
    writeSync(this.fd, this.buffered);
    this.buffered = '';
  }

  rotate(t: number): void {
    this.flush();
    closeSync(this.fd);
    const keep = this.policy.keep;
    rmSync(`${this.path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, 'a');
    this.bytes = 0;
    this.segment++;
    if (this.policy.intervalMs !== null) {
      while (this.nextRotateAt <= t) this.nextRotateAt += this.policy.intervalMs;
    }
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
