// Tails every file a source's glob matches, through rotation (rename-and-create and
// copytruncate), truncation, deletion and restarts, without losing or repeating a line.
//
// A polling design: each cycle lists the glob, checks each open file (fstat + its first
// line) and reads what was appended. Files are followed by open descriptor, so a renamed
// file is drained from the same descriptor; they are recognised by their first line
// (fingerprint.ts), so a copytruncate copy or a file rotated while stopped is found again.
import { open, type FileHandle } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { FINGERPRINT_MAX_BYTES, fingerprintId, readFingerprint, startsWith } from './fingerprint.js';
import { GlobScanner, type ScannedFile } from './glob-scan.js';
import { LineSplitter } from './line-splitter.js';
import type { PositionStore, SavedFile } from './positions.js';
import { findRotatedCopy } from './rotated-copy.js';

export type TailerEventKind = 'rotated' | 'truncated' | 'copytruncate' | 'opened' | 'gone' | 'error';

export interface TailerEvent {
  kind: TailerEventKind;
  file: string;
  message?: string;
}

export interface SourceTailerOptions {
  /** Source name (state key, messages). */
  source: string;
  /** Absolute glob; new matching files are picked up. */
  glob: string;
  /**
   * Only for a source with NO saved state: files present at first start begin at their end
   * (or beginning); files appearing later always start at their beginning.
   */
  startAt: 'end' | 'beginning';
  positions: PositionStore;
  /** Read matched files whose real path (through symbolic links) leaves the glob's folder. Default false. */
  followSymlinksOutside?: boolean;
  /** Default 250. */
  pollIntervalMs?: number;
  /** Default 65536. A longer line is delivered cut to maxLineBytes + 1 bytes, so the parser reports too_long. */
  maxLineBytes?: number;
  /**
   * How long a file renamed away from the glob is still read after its last growth: a
   * writer keeps writing to its open descriptor until it reopens the log. Default 5000.
   */
  rotateWaitMs?: number;
  /** Complete lines, '\n' removed ('\r' left to the parser), in file order, decoded as UTF-8 (invalid bytes -> U+FFFD). */
  onLines(lines: string[], file: string): void;
  onEvent?(e: TailerEvent): void;
}

const CHUNK_BYTES = 1 << 20;
/** Per file and cycle, so one fast writer cannot starve the other files; the next cycle then starts at once. */
const MAX_BYTES_PER_CYCLE = 64 << 20;

interface TailedFile {
  key: string;
  fh: FileHandle;
  /** Last path the glob matched it under (or where it was found after leaving). */
  path: string;
  fp: Buffer;
  id: string;
  /** Next byte to read; the resume offset is readPos minus splitter.pendingBytes. */
  readPos: number;
  splitter: LineSplitter;
  /** null while the glob matches it; otherwise when it left or last grew since. */
  leftAt: number | null;
  deleted: boolean;
}

export class SourceTailer {
  private readonly opts: SourceTailerOptions;
  private readonly scanner: GlobScanner;
  private readonly pollIntervalMs: number;
  private readonly maxLineBytes: number;
  private readonly rotateWaitMs: number;
  private readonly files = new Map<string, TailedFile>();
  /** Saved files not found again yet (kept while their path is unreadable, so they are not re-read from 0). */
  private resume: SavedFile[];
  private readonly hadState: boolean;
  private firstCycle = true;
  private readonly buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private readonly scratch = Buffer.allocUnsafe(FINGERPRINT_MAX_BYTES);
  /** Last problem reported per path: reported once, again only when it changes. */
  private readonly reported = new Map<string, string>();
  private problems = new Map<string, string>();
  /** The files the glob matched in the current cycle, by key. */
  private live = new Map<string, ScannedFile>();
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private closed = false;
  private behind = false;
  private bytesRead = 0;
  /** What was last handed to the store, to skip saves when nothing moved. */
  private persisted = '';
  private lastSave: Promise<void> = Promise.resolve();
  private linesRead = 0;

  constructor(opts: SourceTailerOptions) {
    if (!isAbsolute(opts.glob)) {
      throw new Error(`source ${opts.source}: path ${opts.glob} must be absolute (the config loader resolves a relative path against the config file's folder)`);
    }
    this.opts = opts;
    this.scanner = new GlobScanner(opts.glob, opts.followSymlinksOutside);
    this.pollIntervalMs = opts.pollIntervalMs ?? 250;
    this.maxLineBytes = opts.maxLineBytes ?? 65536;
    this.rotateWaitMs = opts.rotateWaitMs ?? 5000;
    const saved = opts.positions.get(opts.source);
    this.hadState = saved !== undefined;
    this.resume = saved ? [...saved] : [];
  }

  async start(): Promise<void> {
    await this.pollOnce();
    this.schedule();
  }

  /** Final read, save positions, close files. A partial last line is not delivered: a restart reads it whole. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pollOnce();
    for (const f of this.files.values()) await f.fh.close().catch(() => undefined);
    this.files.clear();
    this.closed = true;
  }

  /** One full scan+read cycle; resolves when done (cycles never overlap). Does nothing once stopped. */
  pollOnce(): Promise<void> {
    const run = this.chain.then(() => (this.closed ? undefined : this.cycle()));
    this.chain = run.catch(() => undefined);
    return run;
  }

  stats(): { files: number; bytesRead: number; linesRead: number } {
    return { files: this.files.size, bytesRead: this.bytesRead, linesRead: this.linesRead };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.pollOnce()
          .catch((err: Error) => this.emit('error', this.opts.glob, `tailing cycle failed: ${err.message}`))
          .finally(() => this.schedule());
      },
      this.behind ? 0 : this.pollIntervalMs,
    );
  }

  private async cycle(): Promise<void> {
    const now = Date.now();
    this.behind = false;
    const scan = await this.scanner.scan();
    this.problems = scan.problems;
    this.live = new Map(scan.files.map((s) => [s.key, s]));
    for (const f of [...this.files.values()]) await this.check(f, now);
    const ids = new Set([...this.files.values()].map((f) => f.id));
    // Oldest first: a copytruncate copy the tailer never saw (it stalled for a whole
    // generation) holds older lines than the file that now has its name.
    const unseen = scan.files.filter((s) => !this.files.has(s.key)).sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const s of unseen) await this.adopt(s, ids);
    if (this.firstCycle) await this.adoptRotatedWhileStopped(now);
    this.resume = this.resume.filter((e) => this.problems.has(e.path));
    this.firstCycle = false;
    // Files that left the glob hold older lines than the files now under their names: read them first.
    for (const f of [...this.files.values()]) if (f.leftAt !== null) await this.drainLeft(f, now);
    for (const f of [...this.files.values()]) if (f.leftAt === null) await this.read(f, now);
    this.reportProblems();
    await this.persist().catch((err: Error) => this.emit('error', this.opts.positions.file, `saving positions failed: ${err.message}`));
  }

  /** Follows renames, notices files that left the glob or were deleted, and content replaced under the same inode. */
  private async check(f: TailedFile, now: number): Promise<void> {
    let size: number;
    let nlink: number;
    try {
      ({ size, nlink } = await f.fh.stat());
    } catch (err) {
      this.problems.set(f.path, `${f.path}: ${(err as Error).message}`);
      return;
    }
    const seen = this.live.get(f.key);
    if (seen) {
      f.path = seen.path;
      f.leftAt = null;
    } else if (f.leftAt === null) {
      f.leftAt = now;
      f.deleted = nlink === 0;
      this.emit(f.deleted ? 'gone' : 'rotated', f.path, f.deleted ? 'deleted: reading what is left, then forgetting it' : 'renamed away: reading its last lines');
    } else if (!f.deleted && nlink === 0) {
      f.deleted = true;
      this.emit('gone', f.path, 'deleted: reading what is left, then forgetting it');
    }
    if (size < f.readPos || !(await startsWith(f.fh, f.fp, this.scratch))) await this.onReplaced(f, now);
  }

  /**
   * The file no longer holds what was read from it. If a copy with the same first line sits
   * next to it (copytruncate), the unread rest is read from the copy; otherwise it is gone.
   * Either way the file itself is adopted again as a new file, from its beginning.
   */
  private async onReplaced(f: TailedFile, now: number): Promise<void> {
    this.files.delete(f.key);
    await f.fh.close().catch(() => undefined);
    const resumeAt = f.readPos - f.splitter.pendingBytes;
    const copy = f.leftAt === null ? await findRotatedCopy(f.path, f.id, resumeAt, new Set(this.files.keys()), this.scratch) : null;
    if (copy) {
      this.files.set(copy.file.key, { ...f, key: copy.file.key, fh: copy.fh, path: copy.file.path, leftAt: this.live.has(copy.file.key) ? null : now });
      this.emit('copytruncate', f.path, `reading the lines not read yet from ${copy.file.path}, then ${f.path} from its beginning`);
      return;
    }
    const rest: string[] = [];
    f.splitter.flush(rest);
    this.deliver(rest, f.path);
    this.emit('truncated', f.path, `shrank below byte ${f.readPos}: reading it again from its beginning`);
  }

  private async adopt(s: ScannedFile, ids: Set<string>): Promise<void> {
    let fh: FileHandle;
    let fp: Buffer | null;
    try {
      fh = await open(s.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.problems.set(s.path, `${s.path}: ${(err as Error).message}`);
      return;
    }
    try {
      fp = await readFingerprint(fh, this.scratch);
    } catch (err) {
      this.problems.set(s.path, `${s.path}: ${(err as Error).message}`);
      fp = null;
    }
    const id = fp === null ? '' : fingerprintId(fp);
    // No first line yet (nothing to deliver before it has one), or a copy of a file being
    // tailed (copytruncate in progress): looked at again next cycle.
    if (fp === null || ids.has(id)) {
      await fh.close();
      return;
    }
    const f: TailedFile = { key: s.key, fh, path: s.path, fp, id, readPos: 0, splitter: this.splitter(), leftAt: null, deleted: false };
    const saved = this.takeResume(id, s.path);
    if (saved && saved.offset <= s.size) f.readPos = saved.offset;
    else if (saved) this.emit('truncated', s.path, `shrank below the saved byte ${saved.offset} while stopped: reading it from its beginning`);
    else if (this.firstCycle && !this.hadState && this.opts.startAt === 'end') await this.startAtLastLine(f, s.size);
    ids.add(id);
    this.files.set(f.key, f);
    this.emit('opened', s.path, `from byte ${f.readPos}`);
  }

  /** Saved files whose name now holds another file were rotated while the exporter was stopped. */
  private async adoptRotatedWhileStopped(now: number): Promise<void> {
    for (const e of this.resume) {
      if (this.problems.has(e.path)) continue;
      const copy = await findRotatedCopy(e.path, e.fingerprint, e.offset, new Set(this.files.keys()), this.scratch);
      if (!copy) continue;
      this.files.set(copy.file.key, {
        key: copy.file.key,
        fh: copy.fh,
        path: copy.file.path,
        fp: copy.fp,
        id: e.fingerprint,
        readPos: e.offset,
        splitter: this.splitter(),
        leftAt: now,
        deleted: false,
      });
      this.emit('rotated', copy.file.path, `rotated from ${e.path} while stopped: reading it from the saved byte ${e.offset}`);
    }
  }

  private takeResume(id: string, path: string): SavedFile | undefined {
    // Two files may share a first line (a constant header): the one saved under this path first.
    let i = this.resume.findIndex((e) => e.fingerprint === id && e.path === path);
    if (i < 0) i = this.resume.findIndex((e) => e.fingerprint === id);
    return i < 0 ? undefined : this.resume.splice(i, 1)[0];
  }

  /** Starts after the last complete line, so the first line delivered is a whole one. */
  private async startAtLastLine(f: TailedFile, size: number): Promise<void> {
    const n = Math.min(size, this.maxLineBytes + 1, CHUNK_BYTES);
    const { bytesRead } = await f.fh.read(this.buf, 0, n, size - n);
    const nl = this.buf.subarray(0, bytesRead).lastIndexOf(10);
    if (nl >= 0) f.readPos = size - n + nl + 1;
    else if (n < size) {
      f.readPos = size;
      f.splitter.discardCurrentLine();
    }
  }

  /** Reads a file that left the glob; forgets it once deleted and drained, or idle for rotateWaitMs. */
  private async drainLeft(f: TailedFile, now: number): Promise<void> {
    const grew = (await this.read(f, now)) > 0;
    if (!this.files.has(f.key)) return;
    if (grew && !f.deleted) f.leftAt = now;
    if (f.deleted || now - (f.leftAt as number) >= this.rotateWaitMs) {
      const rest: string[] = [];
      f.splitter.flush(rest);
      this.deliver(rest, f.path);
      this.files.delete(f.key);
      await f.fh.close().catch(() => undefined);
    }
  }

  /** Reads everything appended since the last cycle (up to MAX_BYTES_PER_CYCLE); returns the bytes read. */
  private async read(f: TailedFile, now: number): Promise<number> {
    let total = 0;
    while (total < MAX_BYTES_PER_CYCLE) {
      let n: number;
      try {
        ({ bytesRead: n } = await f.fh.read(this.buf, 0, CHUNK_BYTES, f.readPos));
      } catch (err) {
        this.problems.set(f.path, `${f.path}: read failed: ${(err as Error).message}`);
        return total;
      }
      if (n === 0) return total;
      // Truncated (and rewritten past readPos) between the cycle's check and this read: the
      // chunk may be new content at an old offset. Dropped: a copytruncate copy still holds
      // the old content, and a plain truncation loses the unread part anyway.
      if (!(await startsWith(f.fh, f.fp, this.scratch))) {
        await this.onReplaced(f, now);
        return total;
      }
      f.readPos += n;
      total += n;
      this.bytesRead += n;
      const lines: string[] = [];
      f.splitter.push(this.buf.subarray(0, n), lines);
      if (lines.length > 0) {
        this.deliver(lines, f.path);
        // Saved after each delivered batch, without waiting: a crash repeats at most the
        // batches whose save had not finished; the cycle's last save is awaited (and reports).
        this.persist().catch(() => undefined);
      }
      // Short read: the end of the file as of now. Stopping here keeps a cycle one pass,
      // so a busy writer cannot hold the cycle (and its awaited save) open.
      if (n < CHUNK_BYTES) return total;
    }
    this.behind = true;
    return total;
  }

  private deliver(lines: string[], file: string): void {
    if (lines.length === 0) return;
    this.linesRead += lines.length;
    try {
      this.opts.onLines(lines, file);
    } catch (err) {
      this.emit('error', file, `the line consumer failed: ${(err as Error).message}`);
    }
  }

  /** Hands this source's positions to the store and saves them, unless they did not change since the last save. */
  private persist(): Promise<void> {
    const files = [...this.files.values()].map((f) => ({ fingerprint: f.id, offset: f.readPos - f.splitter.pendingBytes, path: f.path }));
    const all = files.concat(this.resume);
    const text = JSON.stringify(all);
    if (text === this.persisted) return this.lastSave;
    this.persisted = text;
    this.opts.positions.set(this.opts.source, all);
    this.lastSave = this.opts.positions.save().catch((err: unknown) => {
      this.persisted = ''; // retried next cycle
      throw err;
    });
    return this.lastSave;
  }

  private splitter(): LineSplitter {
    return new LineSplitter(this.maxLineBytes);
  }

  private reportProblems(): void {
    for (const [path, message] of this.problems) {
      if (this.reported.get(path) === message) continue;
      this.reported.set(path, message);
      this.emit('error', path, message);
    }
    for (const path of this.reported.keys()) if (!this.problems.has(path)) this.reported.delete(path);
  }

  private emit(kind: TailerEventKind, file: string, message?: string): void {
    this.opts.onEvent?.({ kind, file, message });
  }
}
