// Both dashboards query through their `datasource` variable, so an SRE can switch them to
// Prometheus replica b when replica a is down, or to the long-term store for a long range
// (docs/ha.md). One hard-wired uid and that panel stays empty, or short, after the switch.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_PROMETHEUS_UID } from '../src/constants.js';

const DASHBOARDS = ['ussdwatch-overview', 'ussdwatch-short-code'];
/** Grafana's standard reference to a dashboard's datasource variable. */
const VIA_VARIABLE = { type: 'prometheus', uid: '${datasource}' };

const file = (path: string) => readFileSync(fileURLToPath(new URL(`../../provisioning/${path}`, import.meta.url)), 'utf8');
const dashboard = (uid: string) => JSON.parse(file(`dashboards/json/${uid}.json`)) as Dashboard;

interface Panel {
  title: string;
  datasource?: unknown;
  targets?: Array<{ refId: string; datasource?: unknown }>;
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: unknown;
  regex?: string;
  current?: { text?: string; value?: string };
  datasource?: unknown;
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

/** Where a dashboard queries something other than its variable, or nothing named at all. */
function datasourceProblems(dash: Dashboard): string[] {
  const problems: string[] = [];
  const check = (where: string, ref: unknown) => {
    if (JSON.stringify(ref) !== JSON.stringify(VIA_VARIABLE)) problems.push(`${where}: ${JSON.stringify(ref)}`);
  };
  const walk = (panels: Panel[]) => {
    for (const p of panels) {
      // A row holds panels and no query of its own.
      if (p.targets !== undefined || p.panels === undefined) check(`panel "${p.title}"`, p.datasource);
      for (const t of p.targets ?? []) check(`panel "${p.title}" ${t.refId}`, t.datasource);
      walk(p.panels ?? []);
    }
  };
  walk(dash.panels);
  for (const v of dash.templating.list.filter((v) => v.type === 'query')) check(`variable $${v.name}`, v.datasource);
  // Anything else naming a datasource (annotations, links to come) names the variable too.
  const { uid: _own, ...rest } = dash;
  const uids = JSON.stringify(rest).match(/"uid":"[^"]*"/g) ?? [];
  for (const u of uids.filter((u) => u !== '"uid":"${datasource}"')) problems.push(`elsewhere: ${u}`);
  return problems;
}

/** Grafana's `/pattern/flags` form of a variable's regex. */
function jsRegex(s: string): RegExp {
  const m = /^\/(.*)\/(\w*)$/.exec(s);
  if (!m) throw new Error(`not /pattern/flags: ${s}`);
  return new RegExp(m[1], m[2]);
}

type Datasource = { name: string; uid: string; type: string };
/** Every datasource provisioning can give Grafana: the single machine's and the HA profile's. */
const provisioned: Datasource[] = ['datasources/ussdwatch.yaml', 'ha/datasources.yaml'].flatMap((f) => (parse(file(f)) as { datasources: Datasource[] }).datasources);

describe('dashboard datasource variable', () => {
  for (const uid of DASHBOARDS) {
    it(`${uid}: every panel, target and query variable queries through $datasource`, () => {
      const dash = dashboard(uid);
      expect(datasourceProblems(dash)).toEqual([]);
      expect(dash.panels.flatMap((p) => p.targets ?? []).length).toBeGreaterThanOrEqual(8);
    });

    it(`${uid}: $datasource lists the Prometheus-type datasources, the one Prometheus by default`, () => {
      const vars = dashboard(uid).templating.list.filter((v) => v.type === 'datasource');
      expect(vars.map((v) => v.name)).toEqual(['datasource']);
      const [v] = vars;
      expect(v.query).toBe('prometheus');
      const byDefault = provisioned.find((d) => d.uid === DEFAULT_PROMETHEUS_UID)!;
      expect(v.current).toEqual({ text: byDefault.name, value: DEFAULT_PROMETHEUS_UID });
      // Defined before the variables whose queries it runs.
      expect(dashboard(uid).templating.list[0].name).toBe('datasource');
      // ussdwatch's own: replica a, replica b and the store, not another team's Prometheus.
      const re = jsRegex(v.regex!);
      const prometheusNames = provisioned.filter((d) => d.type === 'prometheus').map((d) => d.name);
      expect(prometheusNames.map((n) => re.test(n))).toEqual(prometheusNames.map(() => true));
      expect(prometheusNames.length).toBe(3);
      expect(re.test('Prometheus')).toBe(false);
    });
  }

  it('the check itself catches a hard-wired uid, a target or panel without a datasource, a query variable on another', () => {
    const dash = dashboard('ussdwatch-short-code');
    const wired = structuredClone(dash);
    wired.panels[0].targets![0].datasource = { type: 'prometheus', uid: DEFAULT_PROMETHEUS_UID };
    expect(datasourceProblems(wired)).toEqual([`panel "${dash.panels[0].title}" A: {"type":"prometheus","uid":"ussdwatch-prometheus"}`, 'elsewhere: "uid":"ussdwatch-prometheus"']);
    const missing = structuredClone(dash);
    delete missing.panels[1].datasource;
    expect(datasourceProblems(missing)).toEqual([`panel "${dash.panels[1].title}": undefined`]);
    const variable = structuredClone(dash);
    variable.templating.list.find((v) => v.name === 'code')!.datasource = { type: 'prometheus', uid: 'ussdwatch-longterm' };
    expect(datasourceProblems(variable)).toEqual(['variable $code: {"type":"prometheus","uid":"ussdwatch-longterm"}', 'elsewhere: "uid":"ussdwatch-longterm"']);
  });
});
