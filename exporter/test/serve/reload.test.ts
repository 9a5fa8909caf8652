// Live reload on the real server over real files: counts and read positions survive it,
// codes and sources come and go with their series, a bad file is refused and changes nothing.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { cdr, samples, scrape, serverPerTest, waitForMetric, writeSetup, type TestSetup } from './helpers.js';

const servers = serverPerTest();
const PARSED = 'ussd_log_lines_total{source="cdr",result="parsed"}';
const OK = (code: string) => `ussd_dialogs_total{short_code="${code}",class="ok"}`;
const RELOAD_OK = 'ussdwatch_config_last_reload_successful';
const RELOAD_AT = 'ussdwatch_config_last_reload_success_timestamp_seconds';

async function start(s: TestSetup) {
  return servers.start(s.configFile, { reloadConfig: (running) => loadConfig(s.configFile, {}, { running }) });
}

function edit(s: TestSetup, from: string | RegExp, to: string): void {
  const text = readFileSync(s.configFile, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`the test config has no ${String(from)}`);
  writeFileSync(s.configFile, next);
}

const append = (file: string, lines: string[]) => appendFileSync(file, lines.map((l) => l + '\n').join(''));

describe('reload', { timeout: 30_000 }, () => {
  it('keeps the counts of codes that stay, drops removed codes, adds new ones at zero, and loses no line', async () => {
    const s = await writeSetup();
    const server = await start(s);
    const log = path.join(s.logs, 'gw01.log');
    append(log, [...Array.from({ length: 5 }, () => cdr()), ...Array.from({ length: 3 }, () => cdr({ ussd: '*720#' }))]);
    await waitForMetric(server.url, PARSED, 8);
    const before = samples(await scrape(server.url));
    expect(before.get(RELOAD_OK)).toBe(1);
    expect(before.get('ussdwatch_exporter_info{configured_node="local"}')).toBe(1);

    // *720# goes, *730# comes, *710# changes team; the exporter is now gw02's.
    edit(s, '- { code: "*720#", name: Forfaits, team: offers }', '- { code: "*730#", name: Roaming, team: roaming }');
    edit(s, 'name: Solde, team: billing', 'name: Solde, team: care');
    edit(s, 'nodes: [gw01, gw02]', 'node: gw02\nnodes: [gw01, gw02]');
    expect(await server.reload()).toEqual({ ok: true });

    const after = samples(await scrape(server.url));
    expect(after.get(OK('*710#'))).toBe(5);
    expect(after.get(PARSED)).toBe(8);
    expect([...after.keys()].filter((k) => k.includes('"*720#"'))).toEqual([]);
    for (const cls of ['ok', 'user', 'internal', 'unclassified']) expect(after.get(`ussd_dialogs_total{short_code="*730#",class="${cls}"}`)).toBe(0);
    expect(after.get('ussd_errors_total{short_code="*730#",class="internal",cause="app_timeout"}')).toBe(0);
    expect(after.get('ussd_wrong_code_total{near_code="*730#"}')).toBe(0);
    expect(after.get('ussd_app_response_seconds_count{short_code="*730#"}')).toBe(0);
    expect(after.get('ussd_shortcode_info{short_code="*730#",name="Roaming",team="roaming"}')).toBe(1);
    expect(after.get('ussd_shortcode_info{short_code="*710#",name="Solde",team="care"}')).toBe(1);
    expect(after.has('ussd_shortcode_info{short_code="*710#",name="Solde",team="billing"}')).toBe(false);
    expect([...after].filter(([k]) => k.startsWith('ussdwatch_exporter_info'))).toEqual([['ussdwatch_exporter_info{configured_node="gw02"}', 1]]);
    expect(after.get(RELOAD_OK)).toBe(1);
    expect(after.get(RELOAD_AT)!).toBeGreaterThanOrEqual(before.get(RELOAD_AT)!);

    // The tailer resumed where it was: only the new lines are counted, by the new catalogue.
    append(log, [cdr(), cdr({ ussd: '*730#' }), cdr({ ussd: '*720#', status: 'NO_ROUTING_RULE', app: '' })]);
    await waitForMetric(server.url, PARSED, 11);
    const m = samples(await scrape(server.url));
    expect(m.get(OK('*710#'))).toBe(6);
    expect(m.get(OK('*730#'))).toBe(1);
    // A code no longer in the catalogue is dialed like any string that matches none.
    expect(m.get('ussd_errors_total{short_code="unknown",class="user",cause="wrong_code"}')).toBe(1);
    const events = (await (await fetch(`${server.url}/api/events?short_code=*730%23`)).json()) as { events: unknown[] };
    expect(events.events).toHaveLength(1);
    expect((await fetch(`${server.url}/api/events?short_code=*720%23`)).status).toBe(400);
  });

  it('refuses a bad file with its file:line message and keeps the running configuration', async () => {
    const s = await writeSetup();
    const server = await start(s);
    const log = path.join(s.logs, 'gw01.log');
    append(log, [cdr(), cdr()]);
    await waitForMetric(server.url, PARSED, 2);

    edit(s, 'team: offers }', 'team: offers, slow_ms: fast }');
    const r = await server.reload();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/config\.yaml:\d+: catalogue\.short_codes\[1\]\.slow_ms: /);
    expect(server.logs.lines.find((l) => l.msg === 'configuration reload refused; the previous one keeps running')?.error).toMatch(/config\.yaml:\d+:/);
    let m = samples(await scrape(server.url));
    expect(m.get(RELOAD_OK)).toBe(0);
    expect(m.get(OK('*720#'))).toBe(0);

    // Over HTTP: Prometheus's answer, 500 with the reason.
    const res = await fetch(`${server.url}/-/reload`, { method: 'POST' });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toMatch(/config\.yaml:\d+: catalogue\.short_codes\[1\]\.slow_ms: /);

    append(log, [cdr({ ussd: '*720#' })]);
    await waitForMetric(server.url, PARSED, 3);
    m = samples(await scrape(server.url));
    expect(m.get(OK('*710#'))).toBe(2);
    expect(m.get(OK('*720#'))).toBe(1);

    edit(s, 'team: offers, slow_ms: fast }', 'team: offers }');
    const ok = await fetch(`${server.url}/-/reload`, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'reloaded' });
    m = samples(await scrape(server.url));
    expect(m.get(RELOAD_OK)).toBe(1);
    expect(m.get(OK('*710#'))).toBe(2);
  });

  it('refuses a change only a restart can apply, naming the key and its line', async () => {
    const s = await writeSetup();
    const server = await start(s);
    edit(s, /^listen: .*$/m, 'listen: 127.0.0.1:1');
    const r = await server.reload();
    expect(!r.ok && r.error).toMatch(/config\.yaml:1: listen: cannot change while the exporter runs \(it runs with "127\.0\.0\.1:\d+"\); put that value back/);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it('adds, moves and removes sources and applies a new status map, without losing or repeating a line', async () => {
    const s = await writeSetup();
    const server = await start(s);
    const cdrLog = path.join(s.logs, 'gw01.log');
    const jsonLog = path.join(s.json, 'gw03.jsonl');
    const json = (status: string) => JSON.stringify({ ts: '2026-11-21T13:45:04.002+01:00', node: 'gw03', ussd: '*710#', status, app_ms: 100 });
    append(cdrLog, [cdr(), cdr({ status: 'WHATEVER' })]);
    append(jsonLog, [json('SUCCESS')]);
    await waitForMetric(server.url, PARSED, 2);
    await waitForMetric(server.url, 'ussd_log_lines_total{source="json",result="parsed"}', 1);

    // The cdr source now also reads *.cdr files (its tailer moves, its positions stay), the
    // json source goes, a third source comes, and WHATEVER becomes a known internal failure.
    const extra = path.join(s.dir, 'extra');
    mkdirSync(extra);
    append(path.join(extra, 'gw04.log'), [cdr({ node: 'gw04' })]);
    edit(s, 'path: ./logs/*.log,', 'path: "./logs/*.{log,cdr}",');
    edit(s, /^ {2}- \{ name: json.*\n/m, '  - { name: extra, path: ./extra/*.log, format: ussd-cdr, start_at: beginning }\n');
    edit(s, 'events_per_key', 'status_map: { statuses: { WHATEVER: internal/system_failure } }\nevents_per_key');
    expect(await server.reload()).toEqual({ ok: true });
    await waitForMetric(server.url, 'ussd_log_lines_total{source="extra",result="parsed"}', 1);

    append(cdrLog, [cdr({ status: 'WHATEVER' })]);
    append(path.join(s.logs, 'gw02.cdr'), [cdr({ node: 'gw02' })]);
    append(jsonLog, [json('SUCCESS')]);
    await waitForMetric(server.url, PARSED, 4);
    const m = samples(await scrape(server.url));
    expect([...m.keys()].filter((k) => k.includes('source="json"'))).toEqual([]);
    expect(m.get('ussd_dialogs_total{short_code="*710#",class="unclassified"}')).toBe(1);
    expect(m.get('ussd_errors_total{short_code="*710#",class="internal",cause="system_failure"}')).toBe(1);
    // gw01: 3 lines, gw02 1, gw03's first json line (its source is gone since), gw04 1.
    expect(m.get(OK('*710#'))).toBe(4);
    expect(m.get('ussd_node_dialogs_total{node="gw02",class="ok"}')).toBe(1);
    const malformed = await (await fetch(`${server.url}/api/malformed?source=json`)).json();
    expect(malformed).toMatchObject({ error: expect.stringContaining('source must be one of') });
  });
});
