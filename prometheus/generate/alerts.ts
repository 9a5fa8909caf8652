// What every generated alert shares: severity by tier, the owning team, the links an
// on-call engineer follows. The runbook link is added in one place, to every alert, as
// kubernetes-mixin does: an alert without a page cannot be generated.
import { CATALOGUE_ENTRY } from './catalogue.js';
import type { Rule, RuleGroup } from './rule-file.js';
import type { Tier } from './slo.js';

export const SEVERITY: Record<Tier, string> = { 1: 'warning', 2: 'warning', 3: 'critical' };

/** The code's page in the Grafana app. */
export const CODE_PAGE = '{{ $externalLabels.grafana_url }}/a/djezzy-ussdwatch-app/code?code={{ $labels.short_code | urlquery }}';

/** docs/runbooks/<AlertName>.md, under the base URL set in prometheus.yml's external labels. */
export const runbookUrl = (alert: string) => `{{ $externalLabels.runbook_base }}/${alert}.md`;

export function addRunbookUrls(groups: RuleGroup[]): RuleGroup[] {
  const withRunbook = (r: Rule): Rule => ('alert' in r ? { ...r, annotations: { ...r.annotations, runbook_url: runbookUrl(r.alert) } } : r);
  return groups.map((g) => ({ ...g, rules: g.rules.map(withRunbook) }));
}

/** A per-code condition, joined with the catalogue so the alert carries the owning team (one entry per code, catalogue.ts). */
export function perCode(condition: string): string {
  return `(\n${condition}\n)\n* on (short_code) group_left (team) ${CATALOGUE_ENTRY}`;
}

/** Every term must hold: `a`, `and on (short_code) b`, ... with the layout of the hand-written rules. */
export function allOf(terms: readonly string[]): string {
  return terms.map((t, i) => (i === 0 ? `    ${t}` : `  and on (short_code) ${t}`)).join('\n');
}

export function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}
