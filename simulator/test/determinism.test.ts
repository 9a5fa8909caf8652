// --seed with --fast: the same options give the same bytes, every time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanRuns, simulateFast, type SimRun } from './helpers.js';

afterAll(cleanRuns);

/** Every file a run wrote, by relative path. */
function contents(r: SimRun): Record<string, string> {
  const out: Record<string, string> = { truth: readFileSync(r.truth, 'utf8') };
  for (const dir of [r.logs, r.dpss]) {
    for (const f of readdirSync(dir)) out[join(dir === r.logs ? 'logs' : 'dpss', f)] = readFileSync(join(dir, f), 'utf8');
  }
  return out;
}

describe('determinism', () => {
  const args = ['--rate', '150', '--fault', 'slow_app:*720#,after=20,for=40', '--fault', 'malformed_burst:gw02,share=0.1', '--rotate-size', '300k'];

  it('same seed and options: byte-identical logs, DPSS files and truth', async () => {
    const a = contents(await simulateFast(args, { seed: 1234, duration: 150 }));
    const b = contents(await simulateFast(args, { seed: 1234, duration: 150 }));
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(Object.keys(a)).toContain(join('logs', 'gw01.log.1'));
    expect(Object.keys(a)).toContain(join('dpss', 'dpss_kpi_202611212000.csv'));
    for (const k of Object.keys(a)) expect(a[k] === b[k], `${k} differs`).toBe(true);
  });

  it('another seed: other dialogs', async () => {
    const a = contents(await simulateFast(args, { seed: 1, duration: 30 }));
    const b = contents(await simulateFast(args, { seed: 2, duration: 30 }));
    expect(a[join('logs', 'gw01.log')]).not.toBe(b[join('logs', 'gw01.log')]);
  });
});
