// Runs every expression of the app and of the provisioned dashboards against a real
// Prometheus: a parse error, a wrong type or a misspelt metric fails here, not in front
// of an SRE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type RunningPrometheus } from '@ussdwatch/testkit';
import { appExpressions, dashboardExpressions, metricNames, exporterMetricNames, recordedNames, specMetricNames, type Expression } from './expressions.js';

let prom: RunningPrometheus;
let base: string;

beforeAll(async () => {
  // Parsing and evaluation need no data: no targets, no rules.
  prom = await startPrometheus({ targets: {}, ruleFiles: [] });
  base = prom.url;
});

afterAll(async () => {
  await prom?.stop();
});

const nowS = Math.floor(Date.now() / 1000);
const all: Expression[] = [...appExpressions(nowS), ...dashboardExpressions()];

describe('PromQL of the app and the dashboards', () => {
  it('finds the expressions of both dashboards and of every app builder', () => {
    expect(all.filter((e) => e.where.startsWith('app ')).length).toBeGreaterThanOrEqual(25);
    expect(all.filter((e) => e.where.startsWith('ussdwatch-overview.json')).length).toBeGreaterThanOrEqual(10);
    expect(all.filter((e) => e.where.startsWith('ussdwatch-short-code.json')).length).toBeGreaterThanOrEqual(8);
    expect(all.every((e) => !e.expr.includes('$'))).toBe(true);
  });

  it('uses only metrics the exporter exposes (shared/spec/metrics.md and its documented extras) or the shipped rules record', () => {
    const known = new Set([...exporterMetricNames(), ...recordedNames()]);
    expect(specMetricNames().has('ussd_dialogs_total')).toBe(true);
    expect(known.has('ussd_node_errors_total')).toBe(true);
    expect(known.has('ussd_shortcode:good_dialogs:rate5m')).toBe(true);
    expect(metricNames('sum(ussd_shortcode:good_dialogs:rate5m) / sum(rate(ussd_dialogs_total[5m]))')).toEqual(['ussd_shortcode:good_dialogs:rate5m', 'ussd_dialogs_total']);
    const unknown = all.flatMap((e) => metricNames(e.expr).filter((n) => !known.has(n)).map((n) => `${e.where}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it('every expression evaluates on a real Prometheus', async () => {
    const failures: string[] = [];
    for (const e of all) {
      const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query: e.expr, time: String(nowS) })}`);
      const body = (await res.json()) as { status: string; error?: string };
      if (body.status !== 'success') failures.push(`${e.where}: ${body.error}\n    ${e.expr}`);
    }
    expect(failures).toEqual([]);
  });

  it('the check itself catches a broken expression', async () => {
    const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query: 'sum by (class (rate(ussd_dialogs_total[1m]))' })}`);
    expect(((await res.json()) as { status: string }).status).toBe('error');
  });
});
