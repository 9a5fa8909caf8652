// Everything `npm run rules` writes from prometheus/slo.yaml, as path -> text. Pure: the
// caller reads the pages the tables go into and writes (or compares) the result.
import { addRunbookUrls } from './alerts.js';
import { anomalyRules } from './anomaly-rules.js';
import { blocks, fillPage, PAGES } from './docs.js';
import { errorRules } from './errors-rules.js';
import { healthRules } from './health-rules.js';
import { latencyRules } from './latency-rules.js';
import { renderRuleFile, type RuleFile } from './rule-file.js';
import type { Slo } from './slo.js';
import { slothRules } from './sloth-rules.js';

export const SLO_FILE = 'prometheus/slo.yaml';

export function ruleFiles(slo: Slo): RuleFile[] {
  return [errorRules(slo), latencyRules(slo), slothRules(slo), anomalyRules(slo), healthRules(slo)].map((f) => ({ ...f, groups: addRunbookUrls(f.groups) }));
}

/** Paths relative to the repository root; `read` gives a page's committed text. */
export function generatedFiles(slo: Slo, read: (path: string) => string): Map<string, string> {
  const out = new Map(ruleFiles(slo).map((f) => [f.path, renderRuleFile(f)]));
  const tables = blocks(slo);
  for (const [page, wanted] of Object.entries(PAGES)) out.set(page, fillPage(page, read(page), wanted, tables));
  return out;
}

/** The paths whose committed text is not what the generator writes (missing counts). */
export function stalePaths(generated: Map<string, string>, read: (path: string) => string | undefined): string[] {
  return [...generated].filter(([path, text]) => read(path) !== text).map(([path]) => path);
}
