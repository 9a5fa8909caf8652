// Turns the bytes of one file, read in big chunks, into complete lines. Pure: no I/O, and
// the chunk buffer may be reused by the caller as soon as push() returns.
//
// Lines are found with Buffer.indexOf (native) and decoded one by one from the chunk, so
// byte limits are exact and a per-line cost is one native call and one string.

const NL = 10;

export class LineSplitter {
  /** Copy of the current line's bytes while it has no '\n' yet (at most maxLineBytes + 1). */
  private head: Buffer | null = null;
  /** The current line passed maxLineBytes: its remaining bytes are dropped up to the '\n'. */
  private skipping = false;
  private pending = 0;

  constructor(private readonly maxLineBytes: number) {}

  /**
   * File bytes of the current, incomplete line (held or dropped). The file offset of the
   * next line to deliver is the read position minus this: what a restart resumes from.
   */
  get pendingBytes(): number {
    return this.pending;
  }

  /** Appends the complete lines of `chunk` to `out` ('\n' removed, UTF-8, invalid bytes as U+FFFD). */
  push(chunk: Buffer, out: string[]): void {
    const end = chunk.length;
    let pos = 0;
    if (this.pending > 0 || this.skipping) {
      const nl = chunk.indexOf(NL);
      this.absorb(chunk, 0, nl < 0 ? end : nl);
      if (nl < 0) return;
      this.emitHead(out);
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(NL, pos);
      if (nl < 0) break;
      out.push(this.decode(chunk, pos, nl));
      pos = nl + 1;
    }
    if (pos < end) this.absorb(chunk, pos, end);
  }

  /** Delivers the held partial line, if any: the file will not grow any more (rotated away, deleted, truncated). */
  flush(out: string[]): void {
    this.emitHead(out);
  }

  /**
   * Drops everything up to the next '\n': used when reading starts in the middle of a line
   * too long to find its beginning.
   */
  discardCurrentLine(): void {
    this.head = null;
    this.skipping = true;
  }

  private absorb(chunk: Buffer, start: number, end: number): void {
    this.pending += end - start;
    if (this.skipping) return;
    const held = this.head === null ? 0 : this.head.length;
    const take = Math.min(end - start, this.maxLineBytes + 1 - held);
    const part = chunk.subarray(start, start + take);
    // Copies: the caller reuses the chunk buffer for the next read.
    this.head = this.head === null ? Buffer.from(part) : Buffer.concat([this.head, part]);
    if (this.head.length > this.maxLineBytes) this.skipping = true;
  }

  private emitHead(out: string[]): void {
    if (this.head !== null) out.push(this.decode(this.head, 0, this.head.length));
    this.head = null;
    this.skipping = false;
    this.pending = 0;
  }

  /**
   * A line over maxLineBytes is cut to its first maxLineBytes + 1 bytes: still over the
   * limit once decoded (U+FFFD is never shorter than the bytes it replaces), so the parser
   * reports it as too_long without the tailer holding the whole line.
   */
  private decode(buf: Buffer, start: number, end: number): string {
    return buf.toString('utf8', start, Math.min(end, start + this.maxLineBytes + 1));
  }
}
