// UssdMetrics.configure, the series side of a reload, without a server: what stays keeps
// its value, what comes appears at zero, what goes is no longer rendered.
import { describe, expect, it } from 'vitest';
import { defaultStatusMap } from '../../src/config/status-map-file.js';
import { Catalogue, DEFAULT_OBJECTIVE, DEFAULT_SLOW_MS } from '../../src/core/catalogue.js';
import { Classifier } from '../../src/core/classifier.js';
import { UssdMetrics } from '../../src/serve/ussd-metrics.js';
import { samples } from './helpers.js';

const entry = (code: string, team = 'offers') => ({ code, name: code, team, slowMs: DEFAULT_SLOW_MS, objective: DEFAULT_OBJECTIVE });
const catalogue = (...entries: ReturnType<typeof entry>[]) => new Catalogue(entries);
const classifier = (c: Catalogue) => new Classifier(c, defaultStatusMap());

describe('UssdMetrics.configure', () => {
  it('keeps the counts of codes, nodes and sources that stay; adds new ones at zero; drops removed ones', () => {
    const first = catalogue(entry('*710#', 'billing'), entry('*720#'));
    const m = new UssdMetrics(first, [classifier(first)], ['gw01', 'gw02'], ['a', 'b'], 1_000_000);
    m.outcome(classifier(first).classify({ ...dialog('*710#') })).dialogs.value += 5;
    m.node('gw01').dialogs[0].value += 5;
    m.node('gw02').dialogs[0].value += 2;
    const a = m.source('a', 1_000_000);
    a.parsed.value = 5;
    a.lastLine.value = 1_234;
    m.dpssFor('*720#').avg.set(0.5);

    const next = catalogue(entry('*710#', 'care'), entry('*730#'));
    m.configure(next, [classifier(next)], ['gw01'], ['a', 'c']);
    // A source's series come back as they were; a new one starts its silence now.
    expect(m.source('a', 2_000_000).lastLine.value).toBe(1_234);
    expect(m.source('c', 2_000_000).lastLine.value).toBe(2_000);
    const s = samples(m.exposition.render());
    expect(s.get('ussd_dialogs_total{short_code="*710#",class="ok"}')).toBe(5);
    expect(s.get('ussd_dialogs_total{short_code="*730#",class="ok"}')).toBe(0);
    expect(s.get('ussd_errors_total{short_code="*730#",class="internal",cause="routing"}')).toBe(0);
    expect([...s.keys()].filter((k) => k.includes('*720#'))).toEqual([]);
    expect(s.get('ussd_shortcode_info{short_code="*710#",name="*710#",team="care"}')).toBe(1);
    expect(s.has('ussd_shortcode_info{short_code="*710#",name="*710#",team="billing"}')).toBe(false);
    expect(s.get('ussd_node_dialogs_total{node="gw01",class="ok"}')).toBe(5);
    expect([...s.keys()].filter((k) => k.includes('gw02'))).toEqual([]);
    expect(s.get('ussd_log_lines_total{source="a",result="parsed"}')).toBe(5);
    expect([...s.keys()].filter((k) => k.includes('source="b"'))).toEqual([]);
    // A dialog of gw02 now counts as "other", like any unlisted node.
    expect(m.node('gw02')).toBe(m.node('gw09'));
    expect(m.isCatalogued('*720#')).toBe(false);
  });

  it('records reload attempts as Prometheus does', () => {
    const c = catalogue(entry('*710#'));
    const m = new UssdMetrics(c, [classifier(c)], [], [], 1_000_000);
    m.reloaded(false, 1_500_000);
    let s = samples(m.exposition.render());
    expect(s.get('ussdwatch_config_last_reload_successful')).toBe(0);
    expect(s.get('ussdwatch_config_last_reload_success_timestamp_seconds')).toBe(1_000);
    m.reloaded(true, 2_000_000);
    s = samples(m.exposition.render());
    expect(s.get('ussdwatch_config_last_reload_successful')).toBe(1);
    expect(s.get('ussdwatch_config_last_reload_success_timestamp_seconds')).toBe(2_000);
  });
});

function dialog(ussd: string) {
  return { ts: 0, node: 'gw01', session: '1', msisdn: '213770000000', ussd, type: 'PULL', menu: '', status: 'SUCCESS', mapError: null, steps: 1, appMs: 100, dialogMs: 1000 };
}
