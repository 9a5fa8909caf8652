// The archived logs a backfill reads: named files or globs, plain or gzip (told by their
// first bytes, not their names), checked before anything is written and put in the order
// of their first line's time (rotated names such as gw01.log.3.gz sort the wrong way).
import { createReadStream, type ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { LineParser } from '../core/types.js';
import { MAX_LINE_BYTES } from '../parsers/line.js';
import { GlobScanner } from '../tailer/glob-scan.js';
import { LineSplitter } from '../tailer/line-splitter.js';

export class InputError extends Error {}

export interface InputFile {
  path: string;
  /** Bytes on disk (compressed for gzip): progress is measured in these. */
  size: number;
  mtimeMs: number;
  gzip: boolean;
  /** Time of the first line that parses; null for a file with no line at all. */
  firstMs: number | null;
}

/** How many leading non-blank lines may fail to parse before a file is refused as another format. */
const SNIFF_LINES = 20;
const SNIFF_BYTES = 256 * 1024;
const GZIP_MAGIC = [0x1f, 0x8b];

/** Expands globs (quoted ones: the shell expands the rest), checks every file, orders them by time. */
export async function planInputs(patterns: readonly string[], parser: LineParser, format: string): Promise<InputFile[]> {
  const paths: string[] = [];
  for (const p of patterns) {
    if (!/[*?[{]/.test(p)) {
      paths.push(p);
      continue;
    }
    const { files } = await new GlobScanner(p, true).scan();
    if (files.length === 0) throw new InputError(`${p} matches no file`);
    paths.push(...files.map((f) => f.path));
  }
  const unique = [...new Set(paths)];
  const files = await Promise.all(unique.map((p) => describeInput(p, parser, format)));
  return files.sort((a, b) => (a.firstMs ?? Infinity) - (b.firstMs ?? Infinity) || a.path.localeCompare(b.path));
}

async function describeInput(path: string, parser: LineParser, format: string): Promise<InputFile> {
  let s;
  try {
    s = await stat(path);
  } catch (err) {
    throw new InputError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!s.isFile()) throw new InputError(`${path} is not a regular file`);
  let gzip: boolean;
  try {
    const fd = await open(path, 'r');
    const head = Buffer.alloc(2);
    try {
      await fd.read(head, 0, 2, 0);
    } finally {
      await fd.close();
    }
    gzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } catch (err) {
    throw new InputError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const file: InputFile = { path, size: s.size, mtimeMs: s.mtimeMs, gzip, firstMs: null };
  file.firstMs = await firstTime(file, parser, format);
  return file;
}

/** The time of the first line that parses; refuses a file whose first lines are all something else. */
async function firstTime(file: InputFile, parser: LineParser, format: string): Promise<number | null> {
  const lines: string[] = [];
  const reasons: string[] = [];
  const splitter = new LineSplitter(MAX_LINE_BYTES);
  let read = 0;
  const stream = openInput(file).bytes;
  try {
    for await (const chunk of stream) {
      read += (chunk as Buffer).length;
      splitter.push(chunk as Buffer, lines);
      if (read >= SNIFF_BYTES) break;
    }
    if (read < SNIFF_BYTES) splitter.flush(lines);
  } catch (err) {
    throw new InputError(`${file.path}: ${file.gzip ? 'not a readable gzip file' : 'unreadable'} (${(err as Error).message})`);
  } finally {
    stream.destroy();
  }
  for (const line of lines) {
    if (line.trim() === '') continue;
    const r = parser.parse(line);
    if (typeof r !== 'string') return r.ts;
    reasons.push(r);
    if (reasons.length >= SNIFF_LINES) break;
  }
  if (reasons.length === 0) return null;
  throw new InputError(
    `${file.path}: unknown format: its first ${reasons.length} lines do not parse as ${format} (${[...new Set(reasons)].join(', ')}); ` +
      'is it a gateway log of this source? (--source picks the source whose format applies)',
  );
}

/** The decompressed bytes of a file, and the file stream under them, whose bytesRead measures progress. */
export function openInput(file: InputFile): { bytes: Readable; raw: ReadStream } {
  const raw = createReadStream(file.path, { highWaterMark: 1 << 20 });
  if (!file.gzip) return { bytes: raw, raw };
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  // An error of the file stream ends the gunzip stream with it.
  raw.on('error', (err) => gunzip.destroy(err));
  gunzip.on('close', () => raw.destroy());
  return { bytes: raw.pipe(gunzip), raw };
}
