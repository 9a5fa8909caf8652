// Every PromQL expression the project shows in Grafana: the app's query builders and the
// provisioned dashboards' targets, with Grafana's variables replaced by sample values.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { INSTANT, queryParams, SERIES } from '../src/queries/promql.js';

export interface Expression {
  where: string;
  expr: string;
}

const DASHBOARDS = fileURLToPath(new URL('../../provisioning/dashboards/json/', import.meta.url));

/** What Grafana would substitute; `*710#` because short codes carry PromQL-hostile characters. */
const VARIABLES: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '3600s',
  __range_s: '3600',
  code: '*710#',
};

export function substitute(expr: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (m, a: string | undefined, b: string | undefined) => VARIABLES[(a ?? b)!] ?? m);
}

export function appExpressions(nowS: number): Expression[] {
  const p = queryParams(nowS - 3600, nowS, '*710#', 'app_timeout');
  return [
    ...Object.entries(INSTANT).map(([name, build]) => ({ where: `app INSTANT.${name}`, expr: build(p) })),
    ...Object.entries(SERIES).map(([name, build]) => ({ where: `app SERIES.${name}`, expr: build(p) })),
  ];
}

interface Panel {
  title: string;
  targets?: Array<{ refId: string; expr?: string }>;
  panels?: Panel[];
}

export function dashboardExpressions(): Expression[] {
  const out: Expression[] = [];
  for (const file of readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'))) {
    const dash = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as { panels: Panel[]; templating: { list: Array<{ name: string; type: string; query: { query: string } | string }> } };
    const walk = (panels: Panel[]) => {
      for (const panel of panels) {
        for (const t of panel.targets ?? []) if (t.expr) out.push({ where: `${file} "${panel.title}" ${t.refId}`, expr: substitute(t.expr) });
        walk(panel.panels ?? []);
      }
    };
    walk(dash.panels);
    // Query variables only: the datasource variable's query names a datasource type.
    for (const v of dash.templating.list.filter((v) => v.type === 'query')) {
      const q = typeof v.query === 'string' ? v.query : v.query.query;
      // label_values(metric, label) is Grafana's, not PromQL: the metric selector inside is.
      const inner = /^label_values\((.+),\s*\w+\)$/.exec(q);
      out.push({ where: `${file} variable $${v.name}`, expr: substitute(inner ? inner[1] : q) });
    }
  }
  return out;
}

/**
 * Metric names the expression uses: all ussdwatch metrics start ussd_ or dpss_, and so do
 * the series its rules record (`ussd_shortcode:good_dialogs:rate5m`).
 */
export function metricNames(expr: string): string[] {
  const names = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(/\b(?:ussd|dpss)_[a-z0-9_:]+/g) ?? [];
  return [...new Set(names.map((n) => (n.includes(':') ? n : n.replace(/_(bucket|sum|count)$/, ''))))];
}

/** The series the shipped recording rules (prometheus/rules/*.yml) record. */
export function recordedNames(): Set<string> {
  const dir = fileURLToPath(new URL('../../prometheus/rules/', import.meta.url));
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
    const { groups } = parse(readFileSync(join(dir, file), 'utf8')) as { groups: Array<{ rules: Array<{ record?: string }> }> };
    for (const rule of groups.flatMap((g) => g.rules)) if (rule.record) names.add(rule.record);
  }
  return names;
}

/** The metric names of shared/spec/metrics.md's table. */
/** Metric names in the first column of the markdown tables of a file. */
function tableMetricNames(file: URL): Set<string> {
  const names = new Set<string>();
  for (const line of readFileSync(fileURLToPath(file), 'utf8').split('\n')) {
    const first = /^\|([^|]+)\|/.exec(line)?.[1] ?? '';
    for (const m of first.matchAll(/`([a-z_:][a-z0-9_:]*)`/g)) names.add(m[1]);
  }
  return names;
}

export function specMetricNames(): Set<string> {
  return tableMetricNames(new URL('../../../shared/spec/metrics.md', import.meta.url));
}

/** The contract plus the extras the exporter documents in its README (e.g. per-node causes). */
export function exporterMetricNames(): Set<string> {
  return new Set([...specMetricNames(), ...tableMetricNames(new URL('../../exporter/README.md', import.meta.url))]);
}
