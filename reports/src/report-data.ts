// What a report says, as plain numbers: gathered from PromQL and the notifier, then laid
// out by the HTML (and PDF) and the workbook alike, so both say the same.
import type { IncidentList } from './incidents.js';
import type { MetricsSource } from './metrics-source.js';
import type { AnomalyRow, FunnelRow, GuessRow } from './insight.js';
import type { Period } from './period.js';
import type { Scope } from './scope.js';

export interface ClassCounts {
  dialogs: number;
  ok: number;
  user: number;
  internal: number;
  unclassified: number;
}

export interface CodeRow extends ClassCounts {
  shortCode: string;
  name: string;
  team: string;
  /** ok / (dialogs - user): subscriber errors are not the operator's failures. */
  successRatio: number | null;
  p50S: number | null;
  p95S: number | null;
  slowS: number | null;
  dpssP95S: number | null;
  dpssAvgS: number | null;
  /** Share of the period's 5-minute steps where the internal error ratio stayed within the code's budget. */
  objectiveMetShare: number | null;
  objective: number | null;
  healthScore: number | null;
  previous: { dialogs: number; successRatio: number | null } | null;
}

export interface NodeRow extends ClassCounts {
  node: string;
  successRatio: number | null;
}

export interface CauseRow {
  cls: string;
  cause: string;
  count: number;
  share: number;
}

export interface WrongCodeRow {
  nearCode: string;
  count: number;
}

export interface TimePoint {
  tMs: number;
  ok: number;
  user: number;
  internal: number;
}

export interface ReportData {
  period: Period;
  previous: Period;
  scope: Scope;
  /** The codes in scope, null for every code. */
  codes: string[] | null;
  /** The instant the period's totals were evaluated at: the period's end, or now for a period still running. */
  evaluatedMs: number;
  generatedMs: number;
  /** Where the numbers came from, said on the report: an operator must know whether it was the store. */
  metrics: { source: MetricsSource; address: string };
  totals: ClassCounts & { successRatio: number | null };
  previousTotals: (ClassCounts & { successRatio: number | null }) | null;
  busyHour: { startMs: number; dialogs: number } | null;
  /** Dialogs per minute by class, for the volume chart. */
  volume: TimePoint[];
  stepS: number;
  /** First and last moment with data: less than the period means a partial report, said on its first page. */
  coverage: { firstMs: number; lastMs: number; share: number };
  codeRows: CodeRow[];
  nodeRows: NodeRow[];
  causes: CauseRow[];
  wrongCodes: WrongCodeRow[];
  incidents: IncidentList;
  /** Per incident id: seconds between the first notification and DPSS covering the incident's start (positive = ahead of DPSS). */
  dpssLeadS: Record<string, number | null>;
  hasHealthScore: boolean;
  /** The menu funnel per code and depth (ussd_menu_dialogs_total). */
  funnel: FunnelRow[];
  /** The learned model's confident guesses on unclassified dialogs (ussd_unclassified_guesses_total); empty without a model. */
  guesses: GuessRow[];
  /** Time outside the seasonal bands per code; empty while the bands warm up. */
  anomaly: AnomalyRow[];
}

export const successRatio = (c: ClassCounts): number | null => {
  const valid = c.dialogs - c.user;
  return valid > 0 ? c.ok / valid : null;
};
