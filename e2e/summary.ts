// The e2e verdict: per-scenario figures folded into the one summary line CI reads.

export interface ScenarioOutcome {
  name: string;
  tier: string;
  passed: boolean;
  failures: string[];
  /** Seconds from the fault's start to its first SMS at fakesmsc (tiers 2 and 3). */
  detectionS?: number;
  /** Seconds from the first SMS to the write of the DPSS file for the period holding the fault's start. */
  leadS?: number;
  /** Seconds from an acknowledging SMS reply to its silence active in Alertmanager. */
  ackToSilenceS?: number;
  /** Seconds the chain's next step was paged after its delay, when nobody replied. */
  escalationLateS?: number;
}

export interface Totals {
  duplicateSms: number;
  lostJournal: number;
  /** The most paging SMS one person got for one incident at one tier (1 is right). */
  smsPerIncidentMax?: number;
}

/** Median (mean of the two middle values for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'na');

export const TARGET_TIER3_P50_S = 60;

/**
 * The run's figures against the targets. Timing depends on the machine (two shared
 * cores in CI), so a missed timing target is reported, not failed: the house rule is that
 * speed targets are measured and printed, never timed tests. Duplicates and journal losses
 * are correctness, and fail the run.
 */
export function targetFailures(outcomes: readonly ScenarioOutcome[], totals: Totals): { failures: string[]; missed: string[] } {
  const failures: string[] = [];
  const missed: string[] = [];
  const tier3 = outcomes.filter((o) => o.tier === '3' && o.detectionS !== undefined).map((o) => o.detectionS!);
  const p50 = median(tier3);
  if (!(p50 <= TARGET_TIER3_P50_S)) missed.push(`tier-3 SMS detection p50 ${fmt(p50)} s is not within ${TARGET_TIER3_P50_S} s`);
  for (const o of outcomes) {
    if (o.leadS !== undefined && !(o.leadS > 0)) missed.push(`${o.name}: SMS came ${fmt(-o.leadS)} s after the DPSS file`);
  }
  if (totals.duplicateSms) failures.push(`${totals.duplicateSms} duplicate SMS`);
  if (totals.lostJournal) failures.push(`${totals.lostJournal} journal entries lost across the notifier's SIGKILL`);
  return { failures, missed };
}

export function summaryLine(outcomes: readonly ScenarioOutcome[], totals: Totals): string {
  const detections = outcomes.filter((o) => o.detectionS !== undefined).map((o) => o.detectionS!);
  const leads = outcomes.filter((o) => o.leadS !== undefined).map((o) => o.leadS!);
  const maxOf = (k: 'ackToSilenceS' | 'escalationLateS') => {
    const v = outcomes.filter((o) => o[k] !== undefined).map((o) => o[k]!);
    return fmt(v.length ? Math.max(...v) : NaN);
  };
  return [
    'e2e:',
    `scenarios=${outcomes.length}`,
    `passed=${outcomes.filter((o) => o.passed).length}`,
    `detection_p50_s=${fmt(median(detections))}`,
    `detection_max_s=${fmt(detections.length ? Math.max(...detections) : NaN)}`,
    `dpss_lead_min_s=${fmt(leads.length ? Math.min(...leads) : NaN)}`,
    `duplicate_sms=${totals.duplicateSms}`,
    `lost_journal=${totals.lostJournal}`,
    `sms_per_incident_max=${totals.smsPerIncidentMax ?? 'na'}`,
    `ack_to_silence_s=${maxOf('ackToSilenceS')}`,
    `escalation_late_s=${maxOf('escalationLateS')}`,
  ].join(' ');
}
