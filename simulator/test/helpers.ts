// Shared by the simulator tests: run the simulator in --fast mode into a temp folder, then
// read its output back with the exporter's real parsers and classifier.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/cli.js';
import { BUNDLED_CATALOGUE, loadCatalogueFile } from '@ussdwatch/exporter/config/files.js';
import { defaultStatusMap } from '@ussdwatch/exporter/config/status-map-file.js';
import { Classifier } from '@ussdwatch/exporter/core/classifier.js';
import type { Dialog } from '@ussdwatch/exporter/core/types.js';
import { createLineParser } from '@ussdwatch/exporter/parsers/index.js';

export const START = '2026-11-21T20:00:00+01:00';
export const START_MS = Date.parse(START);
export const NODES = ['gw01', 'gw02', 'gw03', 'gw04'];

export interface SimRun {
  dir: string;
  logs: string;
  dpss: string;
  truth: string;
}

const runs: string[] = [];

/** Runs `ussdwatch simulate --fast` in-process; resolves with the folders it wrote. */
export async function simulateFast(args: string[], opts: { seed?: number; duration?: number } = {}): Promise<SimRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-sim-'));
  runs.push(dir);
  const r: SimRun = { dir, logs: join(dir, 'logs'), dpss: join(dir, 'dpss'), truth: join(dir, 'truth.jsonl') };
  const code = await run([
    '--fast', '--start', START, '--duration', String(opts.duration ?? 120), '--seed', String(opts.seed ?? 42),
    '--out', r.logs, '--dpss-dir', r.dpss, '--truth', r.truth, '--period-s', '60', '--dpss-lag-s', '20', ...args,
  ]);
  if (code !== 0) throw new Error(`simulate exited ${code}`);
  return r;
}

export function cleanRuns(): void {
  for (const d of runs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A node's lines, oldest rotated file first, each without its newline. */
export function nodeLines(logs: string, node: string): string[] {
  const rotated = readdirSync(logs)
    .map((f) => new RegExp(`^${node}\\.log\\.(\\d+)$`).exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a)
    .map((n) => `${node}.log.${n}`);
  const files = [...rotated, ...(existsSync(join(logs, `${node}.log`)) ? [`${node}.log`] : [])];
  return files.flatMap((f) => {
    const text = readFileSync(join(logs, f), 'utf8');
    return text === '' ? [] : text.replace(/\n$/, '').split('\n');
  });
}

export interface TruthEntry {
  node: string;
  segment: number;
  line: number;
  class: string;
  cause: string;
  short_code: string | null;
  near_code: string | null;
}

export function readTruth(file: string): TruthEntry[] {
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TruthEntry);
}

const catalogue = loadCatalogueFile(BUNDLED_CATALOGUE);
const classifier = new Classifier(catalogue, defaultStatusMap());
export { catalogue };

export interface Verdict {
  node: string;
  line: string;
  class: string;
  cause: string;
  short_code: string | null;
  near_code: string | null;
  dialog: Dialog | null;
}

/** Every line the simulator wrote, parsed (format auto, as the exporter's default config) and classified. */
export function classifyRun(r: SimRun): Verdict[] {
  const parser = createLineParser({ format: 'auto', utcOffsetMinutes: 60 });
  return NODES.flatMap((node) =>
    nodeLines(r.logs, node).map((line): Verdict => {
      const p = parser.parse(line);
      if (typeof p === 'string') return { node, line, class: 'malformed', cause: p, short_code: null, near_code: null, dialog: null };
      const c = classifier.classify(p);
      return { node, line, class: c.cls, cause: c.cause, short_code: c.shortCode, near_code: c.nearCode, dialog: { ...p } };
    }),
  );
}

/** Compares the classifier's verdicts with the simulator's truth, line by line. */
export function agreement(r: SimRun): { total: number; agree: number; mismatches: string[]; verdicts: Verdict[]; truth: TruthEntry[] } {
  const verdicts = classifyRun(r);
  const truth = NODES.flatMap((n) => readTruth(r.truth).filter((t) => t.node === n));
  const mismatches: string[] = [];
  if (truth.length !== verdicts.length) mismatches.push(`truth has ${truth.length} entries, logs ${verdicts.length} lines`);
  let agree = 0;
  verdicts.forEach((v, i) => {
    const t = truth[i];
    if (t && t.class === v.class && t.cause === v.cause && t.short_code === v.short_code && t.near_code === v.near_code) agree++;
    else if (mismatches.length < 10) mismatches.push(`${v.node}: ${JSON.stringify(t)} vs ${v.class}/${v.cause} ${v.short_code} ${v.near_code}: ${JSON.stringify(v.line)}`);
  });
  return { total: verdicts.length, agree, mismatches, verdicts, truth };
}

/** Counts of verdicts by a key. */
export function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}
