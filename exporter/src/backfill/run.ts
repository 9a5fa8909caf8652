// One backfill from start to end, resumable: after each input file the count so far, the
// open window's length and the list of finished files are saved (a JSON file renamed into
// place), and every window handed to the output is journalled. A run interrupted at any
// point (SIGINT, SIGKILL, a crash) and started again with the same arguments restarts from
// the last finished file, cuts the open window back to that point, and skips the windows
// already delivered: the same lines give the same samples, so nothing is counted twice.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Classifier } from '../core/classifier.js';
import type { LineParser } from '../core/types.js';
import { MAX_LINE_BYTES } from '../parsers/line.js';
import { readJsonIfExists, writeJsonAtomic } from '../state/state-file.js';
import { LineSplitter } from '../tailer/line-splitter.js';
import type { History, HistoryState } from './history.js';
import { InputError, openInput, type InputFile } from './inputs.js';
import type { Progress } from './progress.js';
import { OutputError, type OpenWindow, type WindowWriter } from './windows.js';

export interface Checkpoint {
  /** What the run is: its files (path, size, mtime), options and output. A rerun must match it. */
  signature: string;
  done: string[];
  history: HistoryState;
  window: OpenWindow | null;
  complete: boolean;
}

export interface BackfillRun {
  files: readonly InputFile[];
  parser: LineParser;
  classifier: Classifier;
  history: History;
  windows: WindowWriter;
  workDir: string;
  signature: string;
  toleranceMs: number;
  progress: Progress | null;
  /** Checked between chunks: true stops the run (the next run resumes from the last checkpoint). */
  stopped?: () => boolean;
}

export interface Summary {
  files: number;
  resumedAfter: number;
  alreadyComplete: boolean;
  state: HistoryState;
}

export class Interrupted extends Error {}

export const checkpointFile = (dir: string) => join(dir, 'checkpoint.json');
export const deliveredFile = (dir: string) => join(dir, 'delivered.json');

/** The checkpoint of an interrupted (or finished) run in `dir`, refused when it belongs to other arguments. */
export async function loadCheckpoint(dir: string, signature: string): Promise<Checkpoint | undefined> {
  const saved = (await readJsonIfExists(checkpointFile(dir))) as Checkpoint | undefined;
  if (saved !== undefined && saved.signature !== signature) {
    throw new InputError(
      `${dir} holds the checkpoint of a backfill with other files or options: finish it by running that command again, ` +
        'or remove the folder (or pick another --work-dir) to start this one',
    );
  }
  return saved;
}

export async function deliveredUntil(dir: string): Promise<number> {
  const d = (await readJsonIfExists(deliveredFile(dir))) as { until: number } | undefined;
  return d?.until ?? -Infinity;
}

export async function runBackfill(run: BackfillRun): Promise<Summary> {
  mkdirSync(run.workDir, { recursive: true });
  const saved = await loadCheckpoint(run.workDir, run.signature);
  if (saved?.complete) return { files: run.files.length, resumedAfter: saved.done.length, alreadyComplete: true, state: saved.history };
  const done = new Set(saved?.done ?? []);
  if (saved) {
    run.history.restore(saved.history);
    run.windows.resume(saved.window);
  }
  const checkpoint = (complete: boolean) =>
    writeJsonAtomic(checkpointFile(run.workDir), {
      signature: run.signature,
      done: [...done],
      history: run.history.state(),
      window: run.windows.open,
      complete,
    } satisfies Checkpoint);

  const total = { bytes: run.files.filter((f) => done.has(f.path)).reduce((n, f) => n + f.size, 0), lines: 0 };
  for (const file of run.files) {
    if (done.has(file.path)) continue;
    run.history.setHorizon(file.mtimeMs + run.toleranceMs);
    const before = total.bytes;
    await countFile(run, file, (bytes, lines) => {
      total.lines += lines;
      run.progress?.update(before + bytes, total.lines);
    });
    total.bytes = before + file.size;
    await run.windows.drain();
    done.add(file.path);
    await checkpoint(false);
  }
  run.history.finish();
  await run.windows.finish();
  await checkpoint(true);
  run.progress?.done(total.bytes, total.lines);
  return { files: run.files.length, resumedAfter: saved?.done.length ?? 0, alreadyComplete: false, state: run.history.state() };
}

/** Streams one file through parser, classifier and history; `onChunk(fileBytesRead, linesInChunk)`. */
async function countFile(run: BackfillRun, file: InputFile, onChunk: (bytes: number, lines: number) => void): Promise<void> {
  const { parser, classifier, history } = run;
  const splitter = new LineSplitter(MAX_LINE_BYTES);
  const lines: string[] = [];
  const count = () => {
    for (let i = 0; i < lines.length; i++) {
      const r = parser.parse(lines[i]);
      if (typeof r === 'string') history.malformed(r);
      else history.dialog(r, classifier.classify(r));
    }
    const n = lines.length;
    lines.length = 0;
    return n;
  };
  const { bytes: stream, raw } = openInput(file);
  try {
    for await (const chunk of stream) {
      splitter.push(chunk as Buffer, lines);
      onChunk(raw.bytesRead, count());
      await run.windows.drain(true);
      if (run.stopped?.()) throw new Interrupted('interrupted');
    }
  } catch (err) {
    if (err instanceof Interrupted || err instanceof OutputError) throw err;
    throw new InputError(`${file.path}: ${(err as Error).message}`);
  } finally {
    stream.destroy();
  }
  splitter.flush(lines);
  onChunk(file.size, count());
}
