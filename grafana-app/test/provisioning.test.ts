// The provisioning files agree with the app: same datasource uids, the Alertmanager
// datasource speaks Prometheus' Alertmanager API, the app is enabled with its routes' URLs,
// the HA profile's datasources are set up as the single machine's.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CAUSES_BY_CLASS } from '@ussdwatch/common/causes.js';
import { CAUSE_COLOURS, CLASS_COLOURS } from '@ussdwatch/common/colours.js';
import { DEFAULT_ALERTMANAGER_UID, DEFAULT_PROMETHEUS_UID, PLUGIN_ID } from '../src/constants.js';

const read = (path: string) => parse(readFileSync(fileURLToPath(new URL(`../../provisioning/${path}`, import.meta.url)), 'utf8'));

describe('provisioning', () => {
  it('declares Prometheus and Alertmanager (implementation prometheus) with the uids the app uses', () => {
    const { datasources } = read('datasources/ussdwatch.yaml') as { datasources: Array<{ uid: string; type: string; url: string; jsonData: Record<string, unknown> }> };
    const byUid = new Map(datasources.map((d) => [d.uid, d]));
    expect(byUid.get(DEFAULT_PROMETHEUS_UID)).toMatchObject({ type: 'prometheus', url: 'https://prometheus:9090', basicAuth: true });
    expect(byUid.get(DEFAULT_ALERTMANAGER_UID)).toMatchObject({ type: 'alertmanager', jsonData: { implementation: 'prometheus' } });
  });

  it("provisions the HA profile's datasources as their single-machine counterparts under other names, uids and URLs", () => {
    type Datasource = { name: string; uid: string; url: string; isDefault?: boolean };
    const single = (read('datasources/ussdwatch.yaml') as { datasources: Datasource[] }).datasources;
    const ha = (read('ha/datasources.yaml') as { datasources: Datasource[] }).datasources;
    const counterpart: Record<string, string> = { 'ussdwatch-prometheus-b': DEFAULT_PROMETHEUS_UID, 'ussdwatch-longterm': DEFAULT_PROMETHEUS_UID, 'ussdwatch-alertmanager-b': DEFAULT_ALERTMANAGER_UID };
    expect(ha.map((d) => d.uid).sort()).toEqual(Object.keys(counterpart).sort());
    for (const { name: _n, uid, url: _u, ...settings } of ha) {
      const { name: _name, uid: _uid, url: _url, isDefault: _default, ...base } = single.find((d) => d.uid === counterpart[uid])!;
      expect(settings, uid).toEqual(base);
    }
    // Grafana refuses to start on two defaults or two datasources of one name.
    const all = [...single, ...ha];
    expect(all.filter((d) => d.isDefault).map((d) => d.uid)).toEqual([DEFAULT_PROMETHEUS_UID]);
    expect(new Set(all.map((d) => d.name)).size).toBe(all.length);
    expect(new Set(all.map((d) => d.uid)).size).toBe(all.length);
  });

  it('enables the app with the settings its proxy routes read', () => {
    const { apps } = read('plugins/ussdwatch-app.yaml') as { apps: Array<{ type: string; disabled: boolean; jsonData: Record<string, string>; secureJsonData: Record<string, string> }> };
    const app = apps.find((a) => a.type === PLUGIN_ID)!;
    expect(app.disabled).toBe(false);
    expect(app.jsonData).toMatchObject({ prometheusUid: DEFAULT_PROMETHEUS_UID, alertmanagerUid: DEFAULT_ALERTMANAGER_UID });
    const pluginJson = JSON.parse(readFileSync(fileURLToPath(new URL('../src/plugin.json', import.meta.url)), 'utf8')) as { routes: Array<{ url: string; headers: Array<{ content: string }> }> };
    // Every {{ .JsonData.x }} / {{ .SecureJsonData.x }} a route uses is provisioned.
    for (const route of pluginJson.routes) {
      for (const [, kind, key] of JSON.stringify(route).matchAll(/\.(JsonData|SecureJsonData)\.(\w+)/g)) {
        expect(kind === 'JsonData' ? app.jsonData : app.secureJsonData).toHaveProperty(key);
      }
    }
  });

  it('points the dashboard provider at the folder holding both dashboards', () => {
    const { providers } = read('dashboards/ussdwatch.yaml') as { providers: Array<{ options: { path: string } }> };
    expect(providers[0].options.path).toBe('/etc/grafana/provisioning/dashboards/json');
    for (const uid of ['ussdwatch-overview', 'ussdwatch-short-code']) {
      expect(read(`dashboards/json/${uid}.json`)).toMatchObject({ uid });
    }
  });

  it('paints every class and cause series of both dashboards in the project\'s colours', () => {
    interface Override {
      matcher: { id: string; options: string };
      properties: Array<{ id: string; value: { fixedColor?: string } }>;
    }
    interface Panel {
      title: string;
      targets?: Array<{ legendFormat?: string }>;
      fieldConfig: { overrides: Override[] };
    }
    const expected = new Map<string, string>(Object.entries(CLASS_COLOURS));
    for (const cls of ['user', 'internal'] as const) for (const c of CAUSES_BY_CLASS[cls]) expected.set(`${cls} / ${c}`, CAUSE_COLOURS[c]);
    let checked = 0;
    for (const uid of ['ussdwatch-overview', 'ussdwatch-short-code']) {
      for (const panel of (read(`dashboards/json/${uid}.json`) as { panels: Panel[] }).panels) {
        const legends = (panel.targets ?? []).map((t) => t.legendFormat);
        const colourOf = new Map(panel.fieldConfig.overrides.map((o) => [o.matcher.options, o.properties.find((p) => p.id === 'color')?.value.fixedColor]));
        const wanted = legends.includes('{{class}}') ? Object.keys(CLASS_COLOURS) : legends.includes('{{class}} / {{cause}}') ? [...expected.keys()].filter((k) => k.includes(' / ')) : [];
        for (const name of wanted) {
          expect(colourOf.get(name), `${uid} "${panel.title}" ${name}`).toBe(expected.get(name));
          checked++;
        }
      }
    }
    // Two class panels and two cause panels.
    expect(checked).toBe(2 * 4 + 2 * 11);
  });
});
