// One colour per class and per cause, the same on every page, dashboard and report:
// internal causes (ours to fix) in warm hues, user causes (the subscriber's) in cool hues,
// ok green. Mid-tone hexes, so each reads on Grafana's light and dark backgrounds alike.
// Browser-safe: the Grafana app bundles it; the dashboards' overrides are checked against it.
import { causeInfo, type Cause, type DialogClass } from './causes.js';

export const CLASS_COLOURS: Readonly<Record<DialogClass, string>> = {
  ok: '#56A64B',
  user: '#1F60C4',
  internal: '#C4162A',
  unclassified: '#8E8E8E',
};

export const CAUSE_COLOURS: Readonly<Record<Cause, string>> = {
  ok: CLASS_COLOURS.ok,
  unknown_status: '#A352CC',
  // user: blues, teal, violet
  wrong_code: '#3D8BFF',
  invalid_input: '#0E9F9F',
  abandoned: '#6E5BD8',
  subscriber: '#2F5597',
  // internal: reds, oranges, ambers
  slow_response: '#E8A600',
  routing: '#B8860B',
  app_timeout: '#F2495C',
  network_timeout: '#FF780A',
  system_failure: '#B33E5C',
  connector: '#C15C17',
  overload: '#D6336C',
};

/** The colour of a cause; a name that is not a cause takes its class's colour (unclassified: grey). */
export function causeColour(cause: string): string {
  return (CAUSE_COLOURS as Record<string, string>)[cause] ?? CLASS_COLOURS[causeInfo(cause).cls];
}


/**
 * Health score bands (ussd_shortcode:health_score, 0-100), coloured like the classes: ok
 * green when healthy, the slow-response amber when degraded, the internal red under 50,
 * where prometheus/slo.yaml's ShortCodeHealthLow starts counting.
 */
export const HEALTH_BANDS: ReadonlyArray<{ from: number; label: string; color: string }> = [
  { from: 90, label: 'healthy', color: CLASS_COLOURS.ok },
  { from: 50, label: 'degraded', color: CAUSE_COLOURS.slow_response },
  { from: 0, label: 'unhealthy', color: CLASS_COLOURS.internal },
];

/** The band of a score; undefined for no score (NaN: no rules loaded, a code without data). */
export function healthBand(score: number): (typeof HEALTH_BANDS)[number] | undefined {
  return Number.isFinite(score) ? HEALTH_BANDS.find((b) => score >= b.from) : undefined;
}
