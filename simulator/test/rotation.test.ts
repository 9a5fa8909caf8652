// Rotation by renaming, as a gateway does it: gw01.log -> gw01.log.1 -> ... -> .KEEP,
// then a fresh gw01.log. Nothing is lost or reordered except what falls off the end.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanRuns, nodeLines, readTruth, simulateFast, START_MS } from './helpers.js';
import { createLineParser } from '@ussdwatch/exporter/parsers/index.js';

afterAll(cleanRuns);

const parser = createLineParser({ format: 'auto', utcOffsetMinutes: 60 });
const firstTs = (file: string) => {
  const d = parser.parse(readFileSync(file, 'utf8').split('\n')[0]);
  if (typeof d === 'string') throw new Error(`${file}: ${d}`);
  return d.ts;
};

describe('rotation', () => {
  it('by size: renames, keeps N, and the kept files are the tail of the unrotated stream', async () => {
    const args = ['--rate', '400', '--flat'];
    const plain = await simulateFast(args, { seed: 5 });
    const rotated = await simulateFast([...args, '--rotate-size', '200k', '--keep', '3'], { seed: 5 });
    for (const node of ['gw01', 'gw03']) {
      const base = join(rotated.logs, `${node}.log`);
      for (const i of [1, 2, 3]) {
        const size = statSync(`${base}.${i}`).size;
        expect(size).toBeLessThanOrEqual(200 * 1024);
        expect(size).toBeGreaterThan(190 * 1024);
      }
      expect(existsSync(`${base}.4`)).toBe(false);
      const all = nodeLines(plain.logs, node);
      const kept = nodeLines(rotated.logs, node);
      expect(kept.length).toBeLessThan(all.length);
      expect(kept).toEqual(all.slice(all.length - kept.length));
    }
    // The truth numbers lines per file: the live file's lines carry the last segment, from 1.
    const truth = readTruth(rotated.truth).filter((t) => t.node === 'gw01');
    const live = readFileSync(join(rotated.logs, 'gw01.log'), 'utf8').trimEnd().split('\n');
    const last = truth[truth.length - 1];
    expect(last.line).toBe(live.length);
    expect(truth.filter((t) => t.segment === last.segment).map((t) => t.line)).toEqual(live.map((_, i) => i + 1));
  });

  it('by time: a new file every interval of simulated time', async () => {
    const r = await simulateFast(['--rate', '50', '--flat', '--rotate-interval', '30', '--rotate-size', '0'], { duration: 120 });
    const base = join(r.logs, 'gw02.log');
    expect(existsSync(`${base}.4`)).toBe(false);
    // .3 holds [0, 30 s), .2 [30, 60 s), .1 [60, 90 s), the live file [90, 120 s).
    const starts = [`${base}.3`, `${base}.2`, `${base}.1`, base].map(firstTs);
    starts.forEach((ts, i) => {
      expect(ts).toBeGreaterThanOrEqual(START_MS + i * 30_000);
      expect(ts).toBeLessThan(START_MS + i * 30_000 + 2_000);
    });
  });
});
