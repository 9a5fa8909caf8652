// One exporter per gateway node: every expression of the app and of the dashboards must
// answer the same over two exporters as over one that sees all their dialogs. Two real
// Prometheus servers with the shipped rules and scrape settings: one scrapes a single
// stand-in exporter, the other two stand-ins that split the same traffic 30/70 and both
// expose the catalogue. A query that averaged per exporter, counted the catalogue twice or
// kept an exporter's labels answers differently, or with other series. gw02's exporter runs
// an older catalogue that gives *720# another team (a change rolled out node by node): the
// app must still show one entry per code, the rules' own, and every rule must evaluate.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPrometheus, waitFor, type RunningPrometheus } from '@ussdwatch/testkit';
import { appExpressions, dashboardExpressions, type Expression } from './expressions.js';

const started = Date.now() / 1000;
const CODES = [
  { code: '*710#', name: 'Solde', team: 'billing', slow: 2, per: { ok: 40, user: 6, internal: 4 } },
  { code: '*720#', name: 'Forfaits', team: 'offers', slow: 3, per: { ok: 20, user: 2, internal: 1 } },
];
/** Share of each code's app responses per bucket (non-cumulative), for 0.25, 1, 3 s and above. */
const BUCKETS: Array<[string, number]> = [['0.25', 0.5], ['1', 0.3], ['3', 0.15], ['+Inf', 0.05]];

interface Part {
  /** Share of the traffic this exporter sees. */
  share: number;
  /** The gateway nodes whose logs it reads. */
  nodes: string[];
  dpss: boolean;
  /** Teams this exporter's catalogue gives otherwise than CODES. */
  teams?: Record<string, string>;
  /** When its configuration was loaded (ussdwatch_config_last_reload_success_timestamp_seconds). */
  loadedAt?: number;
}

/**
 * The exposition of an exporter seeing `share` of every dialog. Counters grow linearly and
 * start high (as after long uptime), so rate() and increase() depend only on how long a
 * server has scraped, not on when; ages are kept constant for the same reason.
 */
function exposition(part: Part): string {
  const now = Date.now() / 1000;
  const t = now - started + 1000;
  const grown = (perSecond: number) => (perSecond * part.share * t).toFixed(3);
  const out: string[] = [];
  for (const c of CODES) {
    out.push(`ussd_shortcode_info{short_code="${c.code}",name="${c.name}",team="${part.teams?.[c.code] ?? c.team}"} 1`);
    out.push(`ussd_shortcode_slow_seconds{short_code="${c.code}"} ${c.slow}`);
    out.push(`ussd_shortcode_objective_ratio{short_code="${c.code}"} 0.99`);
    for (const [cls, n] of Object.entries(c.per)) out.push(`ussd_dialogs_total{short_code="${c.code}",class="${cls}"} ${grown(n)}`);
    out.push(`ussd_errors_total{short_code="${c.code}",class="internal",cause="app_timeout"} ${grown(c.per.internal)}`);
    out.push(`ussd_errors_total{short_code="${c.code}",class="user",cause="invalid_input"} ${grown(c.per.user)}`);
    out.push(`ussd_wrong_code_total{near_code="${c.code}"} ${grown(1)}`);
    const answered = c.per.ok + c.per.user;
    let cumulative = 0;
    for (const [le, s] of BUCKETS) {
      cumulative += s;
      out.push(`ussd_app_response_seconds_bucket{short_code="${c.code}",le="${le}"} ${grown(answered * cumulative)}`);
    }
    out.push(`ussd_app_response_seconds_sum{short_code="${c.code}"} ${grown(answered * 0.6)}`);
    out.push(`ussd_app_response_seconds_count{short_code="${c.code}"} ${grown(answered)}`);
    if (part.dpss) {
      out.push(`dpss_response_time_seconds{short_code="${c.code}",stat="avg"} 0.7`, `dpss_response_time_seconds{short_code="${c.code}",stat="p95"} 1.9`);
      out.push(`dpss_attempts{short_code="${c.code}"} 1000`, `dpss_failures{short_code="${c.code}"} 12`, `dpss_period_end_timestamp_seconds{short_code="${c.code}"} ${Math.floor(now) - 600}`);
    }
  }
  if (part.loadedAt !== undefined) out.push(`ussdwatch_config_last_reload_success_timestamp_seconds ${part.loadedAt}`);
  // One exporter reads the DPSS spool: its counts are whole, not a share.
  if (part.dpss) out.push(`dpss_files_total{result="ok"} ${(0.2 * t).toFixed(3)}`, `dpss_files_total{result="malformed"} 0`);
  // Each exporter reads its own nodes' sources: split by node, not by share.
  for (const node of part.nodes) {
    const perNode = (n: number) => ((n * t) / 2).toFixed(3);
    out.push(`ussd_node_dialogs_total{node="${node}",class="ok"} ${perNode(60)}`, `ussd_node_dialogs_total{node="${node}",class="internal"} ${perNode(5)}`);
    out.push(`ussd_node_errors_total{node="${node}",class="internal",cause="app_timeout"} ${perNode(5)}`);
    out.push(`ussd_log_lines_total{source="${node}",result="parsed"} ${perNode(73)}`, `ussd_log_lines_total{source="${node}",result="malformed"} ${perNode(1)}`);
    out.push(`ussd_malformed_lines_total{source="${node}",reason="field_count"} ${perNode(1)}`);
    out.push(`ussd_source_last_line_timestamp_seconds{source="${node}"} ${Math.floor(now) - 120}`);
  }
  return out.join('\n') + '\n';
}

const servers: Server[] = [];
async function standIn(part: Part): Promise<string> {
  const port = await freePort();
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(part)));
  servers.push(server);
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return `127.0.0.1:${port}`;
}

let one: RunningPrometheus;
let two: RunningPrometheus;

beforeAll(async () => {
  const single = await standIn({ share: 1, nodes: ['gw01', 'gw02'], dpss: true });
  const [gw01, gw02] = [
    await standIn({ share: 0.3, nodes: ['gw01'], dpss: true, loadedAt: Math.floor(started) }),
    await standIn({ share: 0.7, nodes: ['gw02'], dpss: false, teams: { '*720#': 'data' }, loadedAt: Math.floor(started) - 3600 }),
  ];
  const settings = { scrapeInterval: '1s', evaluationInterval: '1s' };
  [one, two] = await Promise.all([
    startPrometheus({ ...settings, targets: { 'ussdwatch-exporter': [{ targets: [single], labels: { node: 'local' } }] } }),
    startPrometheus({
      ...settings,
      targets: { 'ussdwatch-exporter': [{ targets: [gw01], labels: { node: 'gw01' } }, { targets: [gw02], labels: { node: 'gw02' } }] },
    }),
  ]);
  // Enough samples for rates, and the recording rules evaluated on them.
  const recorded = async (p: RunningPrometheus) => {
    const body = (await (await fetch(`${p.url}/api/v1/query?query=${encodeURIComponent('count_over_time(ussd_shortcode:good_dialogs:rate5m[1m])')}`)).json()) as {
      data: { result: Array<{ value: [number, string] }> };
    };
    return body.data.result.length === CODES.length && body.data.result.every((r) => Number(r.value[1]) >= 5);
  };
  await waitFor(async () => (await recorded(one)) && (await recorded(two)), { timeoutMs: 40_000, what: 'five evaluations of the recording rules in both servers' });
  // The servers started a second or two apart: each is asked at the same time after its
  // first scrape, so both have the same span of samples behind every window.
  const [firstOne, firstTwo] = await Promise.all([firstScrape(one), firstScrape(two)]);
  await waitFor(() => Date.now() / 1000 - Math.max(firstOne, firstTwo) >= COVERAGE_S + 2, { timeoutMs: 60_000, what: `${COVERAGE_S}s of samples in both servers` });
  at = { one: firstOne + COVERAGE_S, two: firstTwo + COVERAGE_S };
}, 120_000);

const COVERAGE_S = 20;
let at: { one: number; two: number };

/** When the server first scraped an exporter (the latest of its exporters' first samples). */
async function firstScrape(p: RunningPrometheus): Promise<number> {
  const res = await fetch(`${p.url}/api/v1/query?${new URLSearchParams({ query: 'up{job="ussdwatch-exporter"}[5m]' })}`);
  const body = (await res.json()) as { data: { result: Array<{ values: Array<[number, string]> }> } };
  return Math.max(...body.data.result.map((r) => r.values[0][0]));
}

afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
  for (const s of servers) s.close();
});

type Sample = { metric: Record<string, string>; value: [number, string] };

async function evaluate(p: RunningPrometheus, expr: string, time: number): Promise<Map<string, number>> {
  const res = await fetch(`${p.url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(time) })}`);
  const body = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: Sample[] | [number, string] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  if (body.data.resultType === 'scalar') return new Map([['scalar', Number((body.data.result as [number, string])[1])]]);
  const out = new Map<string, number>();
  for (const s of body.data.result as Sample[]) {
    const labels = Object.entries(s.metric).sort(([a], [b]) => a.localeCompare(b));
    out.set(JSON.stringify(labels), Number(s.value[1]));
  }
  return out;
}

/** Rates seen through scrapes at slightly different instants: equal within a few percent. */
function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 0.1 * Math.max(Math.abs(a), Math.abs(b)) + 1e-6;
}

describe('app and dashboard PromQL over one exporter per node', () => {
  it("keeps each dialog's node on ussd_node_* (honor_labels) and puts the target's node on the rest", async () => {
    const nodes = await evaluate(one, 'group by (node) (ussd_node_dialogs_total)', at.one);
    expect([...nodes.keys()].sort()).toEqual([JSON.stringify([['node', 'gw01']]), JSON.stringify([['node', 'gw02']])]);
    const codes = await evaluate(one, 'group by (node) (ussd_dialogs_total)', at.one);
    expect([...codes.keys()]).toEqual([JSON.stringify([['node', 'local']])]);
  });

  it('answers as over one exporter: the same series, the same values', async () => {
    // Not the dashboards' variables: label_values() lists distinct values whatever the series.
    const all: Expression[] = [...appExpressions(Math.floor(at.one)), ...dashboardExpressions()].filter((e) => !e.where.includes(' variable '));
    const differences: string[] = [];
    let compared = 0;
    for (const e of all) {
      const [a, b] = await Promise.all([evaluate(one, e.expr, at.one), evaluate(two, e.expr, at.two)]);
      if (a.size > 0) compared++;
      const keys = new Set([...a.keys(), ...b.keys()]);
      for (const k of keys) {
        const [va, vb] = [a.get(k), b.get(k)];
        if (va === undefined || vb === undefined || !close(va, vb)) differences.push(`${e.where}: ${k} one exporter ${va}, two ${vb}\n    ${e.expr}`);
      }
    }
    expect(differences).toEqual([]);
    // Most expressions had data to compare (a few need an hour of history or a chosen cause).
    expect(compared).toBeGreaterThan(all.length * 0.7);
  });

  it('evaluates every rule although the exporters disagree on a team', async () => {
    for (const p of [one, two]) {
      const res = await fetch(`${p.url}/api/v1/rules`);
      const body = (await res.json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> } };
      const rules = body.data.groups.flatMap((g) => g.rules);
      expect(rules.length).toBeGreaterThan(0);
      // 'unknown' until a group's first evaluation (the sloth group runs every minute).
      expect(rules.filter((r) => r.health === 'err').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
    }
  });

  it('the comparison itself catches a query that keeps each exporter apart, or averages them', async () => {
    const perExporter = 'sum by (node, short_code) (rate(ussd_dialogs_total[1m]))';
    const [a, b] = await Promise.all([evaluate(one, perExporter, at.one), evaluate(two, perExporter, at.two)]);
    expect([...a.keys()].some((k) => b.has(k))).toBe(false);
    const averaged = 'avg by (short_code) (rate(ussd_dialogs_total{class="ok"}[1m]))';
    const [x, y] = await Promise.all([evaluate(one, averaged, at.one), evaluate(two, averaged, at.two)]);
    const code = JSON.stringify([['short_code', '*710#']]);
    expect(close(x.get(code)!, y.get(code)!)).toBe(false);
  });
});
