// Each fault scenario, generated in --fast mode and read back with the real parsers and
// classifier: the classifier agrees with the truth on every line, the target shows the
// class/cause the scenario promises, and nothing else does.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDpssCsv } from '@ussdwatch/exporter/parsers/dpss-parser.js';
import { agreement, cleanRuns, simulateFast, START_MS, type Verdict } from './helpers.js';

afterAll(cleanRuns);

const BASE = ['--rate', '120', '--flat'];

/** Share of verdicts matching `pick` that have the given class/cause. */
function share(verdicts: Verdict[], pick: (v: Verdict) => boolean, cls: string, cause: string): number {
  const set = verdicts.filter(pick);
  return set.filter((v) => v.class === cls && v.cause === cause).length / Math.max(1, set.length);
}

async function faultRun(...faults: string[]) {
  const r = await simulateFast([...BASE, ...faults.flatMap((f) => ['--fault', f])]);
  const a = agreement(r);
  // The point of the truth file: the classifier must agree on every single line.
  expect(a.mismatches).toEqual([]);
  expect(a.agree).toBe(a.total);
  return { ...r, ...a };
}

const code = (c: string) => (v: Verdict) => v.short_code === c;
const notCode = (c: string) => (v: Verdict) => v.short_code !== c && v.class !== 'malformed';
const node = (n: string) => (v: Verdict) => v.node === n;

describe('fault scenarios', () => {
  it('slow_app: app_ms above the code slow_ms -> internal/slow_response on that code only; DPSS rt rises', async () => {
    const r = await faultRun('slow_app:*710#,share=0.6');
    expect(share(r.verdicts, code('*710#'), 'internal', 'slow_response')).toBeGreaterThan(0.5);
    expect(share(r.verdicts, notCode('*710#'), 'internal', 'slow_response')).toBeLessThan(0.01);
    const slow = r.verdicts.filter((v) => v.cause === 'slow_response' && v.short_code === '*710#');
    expect(slow.every((v) => v.dialog!.appMs! > 2000)).toBe(true);
  });

  it('app_down: FAILED_APP_TIMEOUT -> internal/app_timeout', async () => {
    const r = await faultRun('app_down:*720#');
    expect(share(r.verdicts, code('*720#'), 'internal', 'app_timeout')).toBe(1);
    expect(share(r.verdicts, notCode('*720#'), 'internal', 'app_timeout')).toBeLessThan(0.01);
  });

  it('connector on one code or on all: internal/connector', async () => {
    const one = await faultRun('connector:*730#,share=0.5');
    expect(share(one.verdicts, code('*730#'), 'internal', 'connector')).toBeGreaterThan(0.4);
    expect(share(one.verdicts, notCode('*730#'), 'internal', 'connector')).toBeLessThan(0.01);
    const all = await faultRun('connector:all');
    expect(share(all.verdicts, (v) => v.short_code !== 'unknown', 'internal', 'connector')).toBeGreaterThan(0.25);
  });

  it('node_overload: SERVER_OVERLOADED -> internal/overload on that node only', async () => {
    const r = await faultRun('node_overload:gw02,share=0.5');
    expect(share(r.verdicts, node('gw02'), 'internal', 'overload')).toBeGreaterThan(0.4);
    expect(share(r.verdicts, (v) => v.node !== 'gw02', 'internal', 'overload')).toBeLessThan(0.01);
  });

  it('routing_broken: NO_ROUTING_RULE for a catalogued code -> internal/routing', async () => {
    const r = await faultRun('routing_broken:*711#');
    expect(share(r.verdicts, code('*711#'), 'internal', 'routing')).toBe(1);
    expect(r.verdicts.filter(notCode('*711#')).some((v) => v.cause === 'routing')).toBe(false);
  });

  it('typo_storm: a surge of *719# -> user/wrong_code near *710#', async () => {
    const r = await faultRun('typo_storm,share=0.2');
    const storm = r.verdicts.filter((v) => v.dialog?.ussd === '*719#');
    expect(storm.length / r.total).toBeGreaterThan(0.15);
    expect(storm.every((v) => v.class === 'user' && v.cause === 'wrong_code' && v.near_code === '*710#')).toBe(true);
  });

  it('malformed_burst: garbage and cut lines on that node, each malformed for the reason the truth gives', async () => {
    const r = await faultRun('malformed_burst:gw03,share=0.3', 'malformed_burst:gw01,share=0.3');
    const bad = r.verdicts.filter((v) => v.class === 'malformed');
    expect(new Set(bad.map((v) => v.node))).toEqual(new Set(['gw01', 'gw03']));
    expect(bad.filter(node('gw03')).length / r.verdicts.filter(node('gw03')).length).toBeGreaterThan(0.2);
    expect(new Set(bad.map((v) => v.cause))).toEqual(new Set(['binary', 'field_count', 'bad_json']));
  });

  it('node_silent: the node stops writing at the fault, the others go on', async () => {
    const r = await faultRun('node_silent:gw03,after=30');
    const last = (n: string) => Math.max(...r.verdicts.filter(node(n)).map((v) => v.dialog!.ts));
    expect(last('gw03')).toBeLessThan(START_MS + 30_000);
    expect(last('gw03')).toBeGreaterThan(START_MS + 29_000);
    expect(last('gw01')).toBeGreaterThan(START_MS + 119_000);
  });

  it('faults start and end on time (after=, for=)', async () => {
    const r = await faultRun('app_down:*710#,after=40,for=30');
    const during = (v: Verdict) => v.dialog !== null && v.dialog.ts >= START_MS + 40_000 && v.dialog.ts < START_MS + 70_000;
    const on = (v: Verdict) => code('*710#')(v) && during(v);
    expect(share(r.verdicts, on, 'internal', 'app_timeout')).toBe(1);
    expect(share(r.verdicts, (v) => code('*710#')(v) && !during(v), 'internal', 'app_timeout')).toBeLessThan(0.01);
  });

  it('dpss_stop: no DPSS file is written while it is in force', async () => {
    const args = ['--duration', '180'];
    const normal = await simulateFast([...BASE, ...args]);
    const stopped = await simulateFast([...BASE, ...args, '--fault', 'dpss_stop,after=90']);
    const files = (d: string) => (existsSync(d) ? readdirSync(d).sort() : []);
    // 60 s periods written 20 s late over 180 s: 20:00 (due 20:01:20) and 20:01 (due 20:02:20).
    expect(files(normal.dpss)).toEqual(['dpss_kpi_202611212000.csv', 'dpss_kpi_202611212001.csv']);
    expect(files(stopped.dpss)).toEqual(['dpss_kpi_202611212000.csv']);
    expect(existsSync(join(stopped.dpss, 'dpss_kpi_202611212001.csv'))).toBe(false);
  });

  it('dpss_stop on a code: its rows are left out of the files due while it is in force, every other row stays', async () => {
    const r = await simulateFast([...BASE, '--duration', '240', '--fault', 'dpss_stop:*750#,after=90,for=60']);
    const codes = (name: string) => {
      const parsed = parseDpssCsv(readFileSync(join(r.dpss, name), 'utf8'), 60);
      expect(parsed.errors).toEqual([]);
      return parsed.rows.map((row) => row.shortCode);
    };
    // Due at 20:01:20 (before), 20:02:20 (during: 90-150 s) and 20:03:20 (after).
    const before = codes('dpss_kpi_202611212000.csv');
    expect(before).toContain('*750#');
    expect(codes('dpss_kpi_202611212001.csv')).toEqual(before.filter((c) => c !== '*750#'));
    expect(codes('dpss_kpi_202611212002.csv')).toEqual(before);
  });

  it('dpss_corrupt: the files due while it is in force are cut inside the header, the others are whole', async () => {
    const r = await simulateFast([...BASE, '--duration', '180', '--fault', 'dpss_corrupt,after=90']);
    const read = (name: string) => parseDpssCsv(readFileSync(join(r.dpss, name), 'utf8'), 60);
    expect(read('dpss_kpi_202611212000.csv').errors).toEqual([]);
    const cut = read('dpss_kpi_202611212001.csv');
    expect(cut.rows).toEqual([]);
    expect(cut.errors[0].reason).toContain('header lacks');
  });
});
