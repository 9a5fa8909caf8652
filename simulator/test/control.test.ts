// Live mode, as a real process: the control endpoint over HTTP, the fault CLI client,
// node_silent on the wall clock, and a clean SIGTERM that loses nothing.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, startProcess, waitFor, type RunningProcess } from '@ussdwatch/testkit';
import { run } from '../src/cli.js';
import { agreement, NODES, type SimRun } from './helpers.js';

const CLI = fileURLToPath(new URL('./simulate-cli.ts', import.meta.url));
const SIMULATOR = fileURLToPath(new URL('..', import.meta.url));
const NODE_ARGS = ['--conditions=source', '--import', 'tsx', CLI];

const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-sim-live-'));
const r: SimRun = { dir, logs: join(dir, 'logs'), dpss: join(dir, 'dpss'), truth: join(dir, 'truth.jsonl') };
let sim: RunningProcess;
let url: string;

/** The union of the endpoint's JSON answers, as far as these tests read them. */
interface Body {
  id: string;
  error: string;
  faults: Array<{ id: string }>;
  nodes: Array<{ node: string; lines: number }>;
}

async function api(path: string, init?: RequestInit): Promise<{ status: number; body: Body }> {
  const res = await fetch(url + path, init);
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Body };
}
const post = (body: unknown) => api('/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const size = (node: string) => statSync(join(r.logs, `${node}.log`)).size;
const lines = (node: string) => readFileSync(join(r.logs, `${node}.log`), 'utf8').split('\n');

/** `ussdwatch simulate fault ...`, run in this process (its HTTP calls are real), output captured. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const capture = (key: 'stdout' | 'stderr') =>
    vi.spyOn(process[key], 'write').mockImplementation((chunk: string | Uint8Array) => ((out[key] += String(chunk)), true));
  const spies = [capture('stdout'), capture('stderr')];
  try {
    const code = await run(['fault', ...args, '--control', url]);
    return { code, ...out };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  sim = await startProcess(
    process.execPath,
    [...NODE_ARGS, '--rate', '400', '--flat', '--seed', '3', '--out', r.logs, '--dpss-dir', r.dpss, '--truth', r.truth, '--control', `127.0.0.1:${port}`],
    { cwd: SIMULATOR, readyUrl: `${url}/healthz`, name: 'ussdwatch simulate' },
  );
}, 30_000);

afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('simulate in live mode', () => {
  it('writes along the wall clock and reports it on /status', async () => {
    const status = await waitFor(async () => {
      const s = (await api('/status')).body;
      return s.nodes.every((n) => n.lines > 50) ? s : undefined;
    }, { what: 'lines on every node' });
    expect(status.nodes.map((n) => n.node)).toEqual(NODES);
    const first = lines('gw01')[0].split('|')[0];
    expect(Math.abs(Date.parse(first) - Date.now())).toBeLessThan(60_000);
  });

  it('starts, lists and stops faults over HTTP', async () => {
    const started = await post({ scenario: 'app_down', target: '*710#' });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ scenario: 'app_down', target: '*710#', share: 1 });
    const id = started.body.id;
    await waitFor(() => lines('gw01').filter((l) => l.includes('|*710#|') && l.includes('FAILED_APP_TIMEOUT')).length > 20, { what: 'app timeouts on *710#' });
    expect((await api('/faults')).body.faults.map((f) => f.id)).toContain(id);
    expect((await api('/status')).body.faults.map((f) => f.id)).toContain(id);
    expect((await api(`/faults/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api(`/faults/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api('/faults')).body.faults).toEqual([]);
  });

  it('rejects bad requests with the reason', async () => {
    const unknown = await post({ scenario: 'meteor_strike' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toContain('app_down');
    expect((await post({ scenario: 'node_overload', target: 'gw09' })).body.error).toContain('gw01');
    expect((await post({ scenario: 'typo_storm', target: '*710#' })).body.error).toContain('catalogue code');
    expect((await post({ scenario: 'slow_app', share: 2 })).status).toBe(400);
    expect((await api('/faults', { method: 'POST', body: 'not json' })).status).toBe(400);
    expect((await api('/nowhere')).status).toBe(404);
  });

  it('the fault CLI client starts, lists and stops faults', async () => {
    const start = await cli('start', 'node_overload:gw02', '--share', '0.5');
    expect(start.code).toBe(0);
    const id = start.stdout.trim();
    expect(id).toMatch(/^f\d+$/);
    const list = await cli('list');
    expect(list.stdout).toContain(`${id}\tnode_overload\tgw02\tshare 0.5`);
    expect((await cli('stop', id)).code).toBe(0);
    const again = await cli('stop', id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no fault '${id}'`);
    expect((await cli('list')).stdout).toBe('no faults\n');
  });

  it('node_silent: the node stops writing while the others go on', async () => {
    const { body } = await post({ scenario: 'node_silent', target: 'gw04' });
    // Lines generated before the fault may still land in the next tick: measure from after one.
    const grown = async (node: string, from: number) => waitFor(() => size(node) > from + 4096 && size(node), { what: `${node} to grow` });
    await grown('gw01', size('gw01'));
    const silentAt = size('gw04');
    await grown('gw01', size('gw01'));
    expect(size('gw04')).toBe(silentAt);
    await api(`/faults/${body.id}`, { method: 'DELETE' });
    await grown('gw04', silentAt);
  });

  it('SIGTERM: flushes, exits 0, and every written line agrees with the truth', async () => {
    sim.child.kill('SIGTERM');
    const code = await waitFor(() => sim.child.exitCode ?? undefined, { what: 'the simulator to exit' });
    expect(code).toBe(0);
    const a = agreement(r);
    expect(a.mismatches).toEqual([]);
    expect(a.total).toBeGreaterThan(1000);
    expect(a.verdicts.filter((v) => v.class === 'internal' && v.cause === 'app_timeout' && v.short_code === '*710#').length).toBeGreaterThan(20);
    expect(sim.output()).toContain('SIGTERM: flushing and stopping');
  });
});
