// /metrics of the real server over real files: series at zero from start-up, exact counts
// per class and cause, bounded labels, malformed lines counted and sampled.
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cdr, getJson, samples, scrape, serverPerTest, waitForMetric, writeSetup } from './helpers.js';

const servers = serverPerTest();

describe('serve /metrics', { timeout: 30_000 }, () => {
  it('exposes every catalogue series at zero from start-up', async () => {
    const s = await writeSetup();
    const server = await servers.start(s.configFile);
    const m = samples(await scrape(server.url));
    for (const code of ['*710#', '*720#', '*720*1#']) {
      for (const cls of ['ok', 'user', 'internal', 'unclassified']) expect(m.get(`ussd_dialogs_total{short_code="${code}",class="${cls}"}`)).toBe(0);
      for (const cause of ['invalid_input', 'abandoned', 'subscriber']) expect(m.get(`ussd_errors_total{short_code="${code}",class="user",cause="${cause}"}`)).toBe(0);
      for (const cause of ['slow_response', 'routing', 'app_timeout', 'network_timeout', 'system_failure', 'connector', 'overload']) {
        expect(m.get(`ussd_errors_total{short_code="${code}",class="internal",cause="${cause}"}`)).toBe(0);
      }
      // A catalogued code cannot be a wrong code.
      expect(m.has(`ussd_errors_total{short_code="${code}",class="user",cause="wrong_code"}`)).toBe(false);
      expect(m.get(`ussd_app_response_seconds_count{short_code="${code}"}`)).toBe(0);
      expect(m.get(`ussd_wrong_code_total{near_code="${code}"}`)).toBe(0);
    }
    expect(m.get('ussd_errors_total{short_code="unknown",class="user",cause="wrong_code"}')).toBe(0);
    expect(m.has('ussd_errors_total{short_code="unknown",class="internal",cause="routing"}')).toBe(false);
    expect(m.get('ussd_wrong_code_total{near_code="none"}')).toBe(0);
    expect(m.get('ussd_node_dialogs_total{node="other",class="internal"}')).toBe(0);
    expect(m.get('ussd_shortcode_info{short_code="*720*1#",name="Forfaits internet",team="offers"}')).toBe(1);
    expect(m.get('ussd_shortcode_slow_seconds{short_code="*710#"}')).toBe(2);
    expect(m.get('ussd_shortcode_slow_seconds{short_code="*720#"}')).toBe(3);
    expect(m.get('ussd_shortcode_objective_ratio{short_code="*720*1#"}')).toBe(0.995);
    expect(m.get('ussd_log_lines_total{source="json",result="parsed"}')).toBe(0);
    expect(m.get('dpss_files_total{result="malformed"}')).toBe(0);
    // Silence is measured from start-up for a source that never wrote.
    const last = m.get('ussd_source_last_line_timestamp_seconds{source="cdr"}')!;
    expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(60);
    expect([...m.keys()].some((k) => k.startsWith('process_cpu_user_seconds_total'))).toBe(true);
  });

  it('counts each dialog once by class, cause, node, near code and app response', async () => {
    const s = await writeSetup();
    const server = await servers.start(s.configFile);
    const lines = [
      cdr({ status: 'SUCCESS', app: '400' }),
      cdr({ status: 'SUCCESS', app: '2500' }), // slower than *710#'s 2000 ms
      cdr({ ussd: '*719#', status: 'NO_ROUTING_RULE', app: '' }),
      cdr({ ussd: '*999#', status: 'NO_ROUTING_RULE', app: '', node: 'gw09' }),
      cdr({ ussd: '*720*1*3#', status: 'NO_ROUTING_RULE', app: '' }),
      cdr({ ussd: '*720#', status: 'failed_app_timeout ', app: '' }),
      cdr({ ussd: '*720#', status: 'FAILED_MAP_ERROR_COMPONENT', map: '27', node: 'gw02' }),
      cdr({ ussd: '*720#', status: 'WHATEVER' }),
    ];
    writeFileSync(path.join(s.logs, 'gw01.log'), lines.join('\n') + '\n');
    const url = server.url;
    await waitForMetric(url, 'ussd_log_lines_total{source="cdr",result="parsed"}', 8);
    const m = samples(await scrape(url));
    const expected: Record<string, number> = {
      'ussd_dialogs_total{short_code="*710#",class="ok"}': 1,
      'ussd_dialogs_total{short_code="*710#",class="internal"}': 1,
      'ussd_errors_total{short_code="*710#",class="internal",cause="slow_response"}': 1,
      'ussd_dialogs_total{short_code="unknown",class="user"}': 2,
      'ussd_errors_total{short_code="unknown",class="user",cause="wrong_code"}': 2,
      'ussd_wrong_code_total{near_code="*710#"}': 1,
      'ussd_wrong_code_total{near_code="none"}': 1,
      'ussd_errors_total{short_code="*720*1#",class="internal",cause="routing"}': 1,
      'ussd_errors_total{short_code="*720#",class="internal",cause="app_timeout"}': 1,
      'ussd_errors_total{short_code="*720#",class="user",cause="subscriber"}': 1,
      'ussd_dialogs_total{short_code="*720#",class="unclassified"}': 1,
      'ussd_node_dialogs_total{node="gw01",class="ok"}': 1,
      'ussd_node_dialogs_total{node="gw01",class="internal"}': 3,
      'ussd_node_dialogs_total{node="gw01",class="user"}': 1,
      'ussd_node_dialogs_total{node="gw02",class="user"}': 1,
      'ussd_node_dialogs_total{node="other",class="user"}': 1,
      'ussd_node_dialogs_total{node="gw01",class="unclassified"}': 1,
      'ussd_app_response_seconds_bucket{short_code="*710#",le="0.25"}': 0,
      'ussd_app_response_seconds_bucket{short_code="*710#",le="0.5"}': 1,
      'ussd_app_response_seconds_bucket{short_code="*710#",le="2"}': 1,
      'ussd_app_response_seconds_bucket{short_code="*710#",le="3"}': 2,
      'ussd_app_response_seconds_bucket{short_code="*710#",le="+Inf"}': 2,
      'ussd_app_response_seconds_sum{short_code="*710#"}': 2.9,
      'ussd_app_response_seconds_count{short_code="*710#"}': 2,
      'ussd_app_response_seconds_count{short_code="unknown"}': 0,
      'ussd_log_lines_total{source="cdr",result="malformed"}': 0,
    };
    for (const [k, v] of Object.entries(expected)) expect([k, m.get(k)]).toEqual([k, v]);
    expect([...m.keys()].filter((k) => k.includes('gw09') || k.includes('*719#') || k.includes('*999#'))).toEqual([]);
  });

  it('keeps the number of series unchanged under 100,000 distinct wrong codes', async () => {
    const s = await writeSetup();
    const server = await servers.start(s.configFile);
    // prom-client's own process_*/nodejs_* series appear as the GC runs: count ours.
    const ours = (m: Map<string, number>) => [...m.keys()].filter((k) => k.startsWith('ussd_') || k.startsWith('dpss_'));
    const before = ours(samples(await scrape(server.url)));
    const file = path.join(s.logs, 'typos.log');
    const batch: string[] = [];
    for (let i = 0; i < 100_000; i++) batch.push(cdr({ ussd: `*${100_000 + i}*${i}#`, status: 'NO_ROUTING_RULE', app: '', node: `node${i}` }));
    appendFileSync(file, batch.join('\n') + '\n');
    await waitForMetric(server.url, 'ussd_errors_total{short_code="unknown",class="user",cause="wrong_code"}', 100_000, 30_000);
    const after = samples(await scrape(server.url));
    expect(ours(after)).toEqual(before);
    expect(after.get('ussd_wrong_code_total{near_code="none"}')).toBe(100_000);
    expect(after.get('ussd_node_dialogs_total{node="other",class="user"}')).toBe(100_000);
  });

  it('counts malformed lines per source and reason, samples them, and keeps ingesting', async () => {
    const s = await writeSetup();
    const server = await servers.start(s.configFile);
    const cdrFile = path.join(s.logs, 'gw01.log');
    appendFileSync(cdrFile, ['a|b|c', '', 'bin\u0000ary|x', 'x'.repeat(1_000_000), cdr({ ts: '2026-13-40T99:00:00' }), cdr()].join('\n') + '\n');
    appendFileSync(path.join(s.json, 'gw03.jsonl'), ['{"ts":"2026-11-21T13:45:04+01:00","ussd":"*710#"}', '{nope', JSON.stringify({ ts: '2026-11-21T13:45:04+01:00', node: 'gw03', session: 'a', msisdn: '213780000111', ussd: '*720*1#', type: 'PULL', menu: '1', status: 'FAILED_APP_TIMEOUT', map_error: null, steps: 1, app_ms: null, dialog_ms: 25012 })].join('\n') + '\n');
    const url = server.url;
    await waitForMetric(url, 'ussd_log_lines_total{source="cdr",result="malformed"}', 5);
    await waitForMetric(url, 'ussd_log_lines_total{source="json",result="malformed"}', 2);
    const m = samples(await scrape(url));
    expect(m.get('ussd_log_lines_total{source="cdr",result="parsed"}')).toBe(1);
    expect(m.get('ussd_log_lines_total{source="json",result="parsed"}')).toBe(1);
    for (const [reason, n] of Object.entries({ field_count: 1, empty: 1, binary: 1, too_long: 1, bad_timestamp: 1 })) {
      expect([reason, m.get(`ussd_malformed_lines_total{source="cdr",reason="${reason}"}`)]).toEqual([reason, n]);
    }
    expect(m.get('ussd_malformed_lines_total{source="json",reason="missing_field"}')).toBe(1);
    expect(m.get('ussd_malformed_lines_total{source="json",reason="bad_json"}')).toBe(1);
    expect(m.get('ussd_errors_total{short_code="*720*1#",class="internal",cause="app_timeout"}')).toBe(1);

    const cdrSamples = (await getJson(`${url}/api/malformed?source=cdr`)).body.malformed as Array<Record<string, string>>;
    expect(cdrSamples.map((x) => x.reason).sort()).toEqual(['bad_timestamp', 'binary', 'empty', 'field_count', 'too_long']);
    const bin = cdrSamples.find((x) => x.reason === 'binary')!;
    expect(bin.line).toBe('bin\\x00ary|x');
    expect(bin.file).toBe(cdrFile);
    expect(Date.parse(bin.time)).toBeGreaterThan(Date.now() - 60_000);
    expect(cdrSamples.find((x) => x.reason === 'too_long')!.line.length).toBeLessThan(600);
    const all = (await getJson(`${url}/api/malformed`)).body.malformed as Array<Record<string, string>>;
    expect(all.length).toBe(7);
    const bad = await getJson(`${url}/api/malformed?source=nope`);
    expect(bad.status).toBe(400);
    expect(bad.body.allowed).toEqual(['cdr', 'json']);
    // One warning per source for the burst, not one per line.
    const warned = server.logs.lines.filter((l) => l.msg === 'malformed log line');
    expect(warned.map((l) => l.source).sort()).toEqual(['cdr', 'json']);
  });
});
