// The real Prometheus, started by the testkit launcher with the shipped rules, scrapes a
// stand-in exporter: the rules load and evaluate without error in the server (not only in
// promtool), recording rules produce series, and an alert renders the shipped external labels.
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPrometheus, waitFor, type RunningPrometheus } from '@ussdwatch/testkit';

interface RuleGroup {
  name: string;
  /** Seconds between evaluations. */
  interval: number;
  rules: Array<{ name: string; query: string; health: string; lastError?: string }>;
}
interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
}

let dialogs = 0;
/** A few contract series: *710# handles 100 dialogs per scrape, and the DPSS feed is an hour old. */
function exposition(): string {
  dialogs += 100;
  const hourAgo = Date.now() / 1000 - 3600;
  return [
    'ussd_shortcode_info{short_code="*710#",name="Solde",team="billing"} 1',
    'ussd_shortcode_objective_ratio{short_code="*710#"} 0.99',
    `ussd_dialogs_total{short_code="*710#",class="ok"} ${dialogs}`,
    'ussd_dialogs_total{short_code="*710#",class="internal"} 0',
    `dpss_period_end_timestamp_seconds{short_code="*710#"} ${hourAgo}`,
    '',
  ].join('\n');
}

async function api<T>(prom: RunningPrometheus, path: string): Promise<T> {
  const res = await fetch(`${prom.url}${path}`);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return ((await res.json()) as { data: T }).data;
}

describe('startPrometheus', () => {
  let exporter: Server;
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const port = await freePort();
    exporter = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition()));
    await new Promise<void>((done) => exporter.listen(port, '127.0.0.1', done));
    prom = await startPrometheus({
      targets: { 'ussdwatch-exporter': [`127.0.0.1:${port}`] },
      scrapeInterval: '1s',
      evaluationInterval: '1s',
    });
  });

  afterAll(async () => {
    await prom?.stop();
    await new Promise((done) => exporter?.close(done));
  });

  it('loads every shipped rule and evaluates it without error', async () => {
    // A group with an interval of its own (the sloth-compatible one, every minute) keeps it
    // here too: its rules are evaluated through the query API instead of waited for.
    const ownInterval = (g: RuleGroup) => g.interval > 1;
    const groups = await waitFor(
      async () => {
        const { groups } = await api<{ groups: RuleGroup[] }>(prom, '/api/v1/rules');
        const rules = groups.filter((g) => !ownInterval(g)).flatMap((g) => g.rules);
        // health is "unknown" until a rule's first evaluation
        return rules.length > 0 && rules.every((r) => r.health !== 'unknown') ? groups : undefined;
      },
      { timeoutMs: 15_000, what: 'every rule evaluated once' },
    );
    expect(groups.map((g) => g.name).sort()).toEqual([
      'ussd-dpss',
      'ussd-log-sources',
      'ussd-monitoring-pipeline',
      'ussd-shortcode-anomaly',
      'ussd-shortcode-errors',
      'ussd-shortcode-health',
      'ussd-shortcode-latency',
      'ussd-shortcode-traffic',
      'ussd-slo',
      'ussd-watchdog',
      'ussd-wrong-codes',
    ]);
    const broken = groups.filter((g) => !ownInterval(g)).flatMap((g) => g.rules).filter((r) => r.health !== 'ok');
    expect(broken).toEqual([]);
    const slow = groups.filter(ownInterval).flatMap((g) => g.rules);
    expect(slow.length).toBeGreaterThan(0);
    const failing: string[] = [];
    for (const r of slow) {
      const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(r.query)}`);
      if (!res.ok) failing.push(`${r.name}: HTTP ${res.status} ${await res.text()}`);
    }
    expect(failing).toEqual([]);
  });

  it('scrapes the given target and records per-code series', async () => {
    const query = async (expr: string) => {
      const { result } = await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
        prom,
        `/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      const v = result.find((r) => r.metric.short_code === '*710#')?.value[1];
      return v === undefined ? undefined : Number(v);
    };
    await waitFor(async () => ((await query('ussd_shortcode:dialogs:rate1m')) ?? 0) > 0, {
      timeoutMs: 15_000,
      what: 'ussd_shortcode:dialogs:rate1m{short_code="*710#"} > 0',
    });
    expect(await query('ussd_shortcode:internal_error_ratio:rate1m')).toBe(0);
    expect(await query('ussd_shortcode:error_budget:ratio')).toBeCloseTo(0.01, 10);
  });

  it('fires an alert whose URLs come from the shipped external labels', async () => {
    const alert = await waitFor(
      async () => (await api<{ alerts: Alert[] }>(prom, '/api/v1/alerts')).alerts.find((a) => a.labels.alertname === 'DpssFeedStale'),
      { timeoutMs: 15_000, what: 'DpssFeedStale to fire' },
    );
    expect(alert.state).toBe('firing');
    expect(alert.labels).toMatchObject({ tier: '1', severity: 'warning', team: 'dpss-connector', alert_family: 'dpss' });
    expect(alert.annotations.runbook_url).toBe('https://github.com/djezzy/ussdwatch/blob/main/docs/runbooks/DpssFeedStale.md');
    expect(alert.annotations.dashboard_url).toBe('http://127.0.0.1:3000/a/djezzy-ussdwatch-app/overview');
  });

  it('stops the server and removes its temporary directory', async () => {
    const configArg = prom.process.child.spawnargs.find((a) => a.startsWith('--config.file='));
    const dir = configArg?.slice('--config.file='.length).replace(/\/prometheus\.yml$/, '');
    expect(dir && existsSync(dir)).toBe(true);
    await prom.stop();
    expect(prom.process.child.exitCode !== null || prom.process.child.signalCode !== null).toBe(true);
    expect(existsSync(dir!)).toBe(false);
  });
});
