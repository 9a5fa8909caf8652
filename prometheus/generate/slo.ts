// prometheus/slo.yaml, read and checked: every objective, window, factor, hold and minimum
// count of the generated rules. A mistake is reported as `file:line: key: problem; fix`.
import { child, fail, readYamlFile, type Place, type YamlFile } from '@ussdwatch/common/config-file.js';
import { describe, readList, readMapping, readNumber } from '@ussdwatch/common/config-values.js';

export type Tier = 1 | 2 | 3;

/** A Prometheus duration of one unit, as written (`5m`) and in seconds. */
export interface Duration {
  text: string;
  seconds: number;
}

/** At least `count` events over `window`. */
export interface Minimum {
  count: number;
  window: Duration;
}

/** Every window must exceed its threshold (a burn factor or a ratio). */
export type Conditions = ReadonlyArray<{ window: Duration; threshold: number }>;

export interface BurnTier {
  tier: Tier;
  /** Alternatives: the tier fires when every condition of one of them holds. */
  burn: Conditions[];
  for: Duration;
  minErrors: Minimum;
}

export interface LatencyTier {
  tier: Tier;
  /** Multiple of the code's slow threshold the percentile must exceed. */
  above: number;
  for: Duration;
}

export interface CauseAlert {
  tier: Tier;
  ratio: Conditions;
  for: Duration;
  minErrors: Minimum;
}

export const CAUSES = ['app_timeout', 'routing'] as const;
export type Cause = (typeof CAUSES)[number];

/** Half-width of a band: the largest of these terms (see slo.yaml's anomaly section). */
export interface Band {
  mads: number;
  /** Of the expected value (traffic), or a ratio (error ratios). */
  floor: number;
  noise: number;
}

export interface Anomaly {
  window: Duration;
  weeks: number;
  minWeeks: number;
  trafficBand: Band;
  errorRatioBand: Band;
  drop: { tier: Tier; for: Duration; minExpected: number };
  spike: { tier: Tier; for: Duration; minRate: number };
}

export interface Health {
  window: Duration;
  zeroAtBurn: number;
  anomalyZeroAt: number;
  incident: { open: number; acknowledged: number };
  alert: { tier: Tier; below: number; for: Duration };
}

export interface Slo {
  period: Duration;
  internalErrors: { defaultObjective: number; tiers: BurnTier[] };
  latency: { objective: number; minResponses: Minimum; tiers: LatencyTier[] };
  causes: Record<Cause, CauseAlert>;
  anomaly: Anomaly;
  health: Health;
}

export function loadSlo(file: string): Slo {
  return readSlo(readYamlFile(file, 'run npm run rules from the repository root, which reads prometheus/slo.yaml'));
}

export function readSlo({ file, value, lineOf }: YamlFile): Slo {
  const top: Place = { file, lineOf, path: [] };
  const sections = ['period', 'internal_errors', 'latency', 'causes', 'anomaly', 'health'];
  const doc = readMapping(value, top, sections, sections);

  const ie = child(top, 'internal_errors');
  const ieDoc = readMapping(doc.internal_errors, ie, ['default_objective', 'tiers'], ['default_objective', 'tiers']);
  const internalErrors = {
    defaultObjective: readObjective(ieDoc.default_objective, child(ie, 'default_objective')),
    tiers: readTiers(ieDoc.tiers, child(ie, 'tiers'), (v, at) => {
      const t = readMapping(v, at, ['tier', 'burn', 'for', 'min_errors'], ['tier', 'burn', 'for', 'min_errors']);
      const burn = readList(t.burn, child(at, 'burn'));
      if (burn.length === 0) fail(child(at, 'burn'), 'expected at least one line of windows, e.g. {1m: 14.4, 5m: 6}');
      return {
        tier: readTier(t.tier, child(at, 'tier')),
        burn: burn.map((b, i) => readConditions(b, child(child(at, 'burn'), i), { max: 1000, example: '{1m: 14.4, 5m: 6}' })),
        for: readDuration(t.for, child(at, 'for')),
        minErrors: readMinimum(t.min_errors, child(at, 'min_errors')),
      };
    }),
  };

  const lat = child(top, 'latency');
  const latDoc = readMapping(doc.latency, lat, ['objective', 'min_responses', 'tiers'], ['objective', 'min_responses', 'tiers']);
  const latency = {
    objective: readPercentile(latDoc.objective, child(lat, 'objective')),
    minResponses: readMinimum(latDoc.min_responses, child(lat, 'min_responses')),
    tiers: readTiers(latDoc.tiers, child(lat, 'tiers'), (v, at) => {
      const t = readMapping(v, at, ['tier', 'above', 'for'], ['tier', 'above', 'for']);
      return {
        tier: readTier(t.tier, child(at, 'tier')),
        above: readNumber(t.above, child(at, 'above'), { min: 1, max: 100 }),
        for: readDuration(t.for, child(at, 'for')),
      };
    }),
  };

  const c = child(top, 'causes');
  const cDoc = readMapping(doc.causes, c, CAUSES, CAUSES);
  const causes = Object.fromEntries(
    CAUSES.map((cause) => {
      const at = child(c, cause);
      const a = readMapping(cDoc[cause], at, ['tier', 'ratio', 'for', 'min_errors'], ['tier', 'ratio', 'for', 'min_errors']);
      const alert: CauseAlert = {
        tier: readTier(a.tier, child(at, 'tier')),
        ratio: readConditions(a.ratio, child(at, 'ratio'), { max: 1, example: '{1m: 0.05, 5m: 0.01}' }),
        for: readDuration(a.for, child(at, 'for')),
        minErrors: readMinimum(a.min_errors, child(at, 'min_errors')),
      };
      return [cause, alert];
    }),
  ) as Record<Cause, CauseAlert>;

  return {
    period: readDuration(doc.period, child(top, 'period')),
    internalErrors,
    latency,
    causes,
    anomaly: readAnomaly(doc.anomaly, child(top, 'anomaly')),
    health: readHealth(doc.health, child(top, 'health')),
  };
}

function readAnomaly(v: unknown, at: Place): Anomaly {
  const keys = ['window', 'weeks', 'min_weeks', 'traffic_band', 'error_ratio_band', 'drop', 'spike'];
  const a = readMapping(v, at, keys, keys);
  const weeks = readNumber(a.weeks, child(at, 'weeks'), { min: 1, max: 8, integer: true });
  const band = (key: string, floorKey: string, floorMax: number): Band => {
    const b = readMapping(a[key], child(at, key), ['mads', floorKey, 'noise'], ['mads', floorKey, 'noise']);
    return {
      mads: readNumber(b.mads, child(child(at, key), 'mads'), { min: 0, max: 100 }),
      floor: readNumber(b[floorKey], child(child(at, key), floorKey), { min: 0, max: floorMax }),
      noise: readNumber(b.noise, child(child(at, key), 'noise'), { min: 0, max: 100 }),
    };
  };
  const drop = readMapping(a.drop, child(at, 'drop'), ['tier', 'for', 'min_expected'], ['tier', 'for', 'min_expected']);
  const spike = readMapping(a.spike, child(at, 'spike'), ['tier', 'for', 'min_rate'], ['tier', 'for', 'min_rate']);
  return {
    window: readDuration(a.window, child(at, 'window')),
    weeks,
    minWeeks: readNumber(a.min_weeks, child(at, 'min_weeks'), { min: 1, max: weeks, integer: true }),
    trafficBand: band('traffic_band', 'share', 10),
    errorRatioBand: band('error_ratio_band', 'at_least', 1),
    drop: {
      tier: readTier(drop.tier, child(child(at, 'drop'), 'tier')),
      for: readDuration(drop.for, child(child(at, 'drop'), 'for')),
      minExpected: readNumber(drop.min_expected, child(child(at, 'drop'), 'min_expected'), { min: 0, max: 1e6 }),
    },
    spike: {
      tier: readTier(spike.tier, child(child(at, 'spike'), 'tier')),
      for: readDuration(spike.for, child(child(at, 'spike'), 'for')),
      minRate: readNumber(spike.min_rate, child(child(at, 'spike'), 'min_rate'), { min: 0, max: 1e6 }),
    },
  };
}

function readHealth(v: unknown, at: Place): Health {
  const keys = ['window', 'zero_at_burn', 'anomaly_zero_at', 'incident', 'alert'];
  const h = readMapping(v, at, keys, keys);
  const inc = readMapping(h.incident, child(at, 'incident'), ['open', 'acknowledged'], ['open', 'acknowledged']);
  const alert = readMapping(h.alert, child(at, 'alert'), ['tier', 'below', 'for'], ['tier', 'below', 'for']);
  const score = (x: unknown, place: Place) => readNumber(x, place, { min: 0, max: 100 });
  return {
    window: readDuration(h.window, child(at, 'window')),
    zeroAtBurn: readNumber(h.zero_at_burn, child(at, 'zero_at_burn'), { min: 1.01, max: 1000 }),
    anomalyZeroAt: readNumber(h.anomaly_zero_at, child(at, 'anomaly_zero_at'), { min: 1.01, max: 100 }),
    incident: { open: score(inc.open, child(child(at, 'incident'), 'open')), acknowledged: score(inc.acknowledged, child(child(at, 'incident'), 'acknowledged')) },
    alert: {
      tier: readTier(alert.tier, child(child(at, 'alert'), 'tier')),
      below: score(alert.below, child(child(at, 'alert'), 'below')),
      for: readDuration(alert.for, child(child(at, 'alert'), 'for')),
    },
  };
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** One number and one unit: the form recording-rule names carry (`rate5m`, `rate6h`). */
export function duration(text: string): Duration | undefined {
  const m = /^([1-9]\d*)([smhdw])$/.exec(text);
  return m ? { text, seconds: Number(m[1]) * UNIT_SECONDS[m[2]] } : undefined;
}

function readDuration(v: unknown, at: Place): Duration {
  const d = typeof v === 'string' ? duration(v) : undefined;
  if (!d) fail(at, `expected a duration of one unit such as 45s, 5m, 6h or 28d; got ${describe(v)}`);
  return d;
}

function readTier(v: unknown, at: Place): Tier {
  if (v !== 1 && v !== 2 && v !== 3) fail(at, `expected tier 1 (email), 2 (SMS) or 3 (critical); got ${describe(v)}`);
  return v;
}

/** A ratio below 1: an objective of 1 would leave no error budget to burn. */
function readObjective(v: unknown, at: Place): number {
  return readNumber(v, at, { min: 0.5, max: 0.9999 });
}

/** The latency objective names a recorded percentile (0.95 -> p95): a whole percent. */
function readPercentile(v: unknown, at: Place): number {
  const n = readNumber(v, at, { min: 0.5, max: 0.99 });
  if (Math.abs(n * 100 - Math.round(n * 100)) > 1e-9) fail(at, `expected a whole percent such as 0.95 or 0.99 (it names the percentile p95, p99); got ${describe(v)}`);
  return n;
}

function readMinimum(v: unknown, at: Place): Minimum {
  const m = readMapping(v, at, ['count', 'window'], ['count', 'window']);
  return { count: readNumber(m.count, child(at, 'count'), { min: 1, max: 1e9, integer: true }), window: readDuration(m.window, child(at, 'window')) };
}

/** `{1m: 14.4, 5m: 6}`: each window with the threshold it must exceed, in the order written. */
function readConditions(v: unknown, at: Place, opts: { max: number; example: string }): Conditions {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length === 0) {
    fail(at, `expected a mapping of windows to thresholds such as ${opts.example}; got ${describe(v)}`);
  }
  return Object.entries(v).map(([window, threshold]) => ({
    window: readDuration(window, child(at, window)),
    threshold: readPositive(threshold, child(at, window), opts.max),
  }));
}

function readPositive(v: unknown, at: Place, max: number): number {
  if (typeof v !== 'number' || !(v > 0) || v > max) fail(at, `expected a number above 0 and at most ${max}; got ${describe(v)}`);
  return v;
}

/** A list of tiers, each tier at most once. */
function readTiers<T extends { tier: Tier }>(v: unknown, at: Place, read: (v: unknown, at: Place) => T): T[] {
  const tiers = readList(v, at).map((t, i) => read(t, child(at, i)));
  if (tiers.length === 0) fail(at, 'expected at least one tier');
  tiers.forEach((t, i) => {
    if (tiers.findIndex((o) => o.tier === t.tier) !== i) fail(child(child(at, i), 'tier'), `tier ${t.tier} is listed twice; keep one`);
  });
  return tiers;
}

/** Fixed windows the generator always records, whatever slo.yaml says. */
export function windows(...texts: string[]): Duration[] {
  return texts.map((t) => duration(t)!);
}

/** Each window once (by how it is written: it names a series), shortest first. */
export function distinct(ds: readonly Duration[]): Duration[] {
  const seen = new Map(ds.map((d) => [d.text, d]));
  return [...seen.values()].sort((a, b) => a.seconds - b.seconds);
}
