// Alertmanager's active alerts (API v2) grouped by the tier label alertmanager.yml routes on.

export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  fingerprint: string;
  generatorURL?: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

export const TIERS = [3, 2, 1] as const;
export const TIER_LABELS: Record<number, string> = {
  3: 'Tier 3: critical (SMS + email, technical team)',
  2: 'Tier 2: on-call SMS',
  1: 'Tier 1: email to the owning team',
  0: 'No tier label',
};

// Rules written before tiers existed still carry Alertmanager's usual severity.
const SEVERITY_TIER: Record<string, number> = { critical: 3, page: 2, warning: 2, info: 1 };

/** 1-3 from the `tier` label, else from `severity`; 0 when neither says. */
export function tierOf(a: Pick<AmAlert, 'labels'>): number {
  const t = Number(a.labels.tier);
  if (t === 1 || t === 2 || t === 3) return t;
  return SEVERITY_TIER[a.labels.severity ?? ''] ?? 0;
}

export interface TierGroup {
  tier: number;
  alerts: AmAlert[];
}

/** The dead man's switch (prometheus/rules/watchdog.yml): always firing, a heartbeat for the notifier, never a problem to show. */
const HEARTBEAT = 'Watchdog';

/** Highest tier first; oldest alert first inside a tier (it has been failing longest). */
export function groupByTier(alerts: AmAlert[]): TierGroup[] {
  const groups = new Map<number, AmAlert[]>();
  for (const a of alerts) {
    if (a.labels.alertname === HEARTBEAT) continue;
    const t = tierOf(a);
    const g = groups.get(t);
    if (g) g.push(a);
    else groups.set(t, [a]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => b - a)
    .map(([tier, list]) => ({ tier, alerts: list.sort((x, y) => Date.parse(x.startsAt) - Date.parse(y.startsAt)) }));
}

export interface CodeAlerting {
  /** Highest tier firing. */
  tier: number;
  /** Epoch ms the oldest firing alert started: failing since then. */
  since: number;
}

/** Per short code, its firing (not silenced or inhibited) alerts' highest tier and start. */
export function alertingByCode(alerts: AmAlert[]): Map<string, CodeAlerting> {
  const out = new Map<string, CodeAlerting>();
  for (const a of alerts) {
    const code = a.labels.short_code;
    if (!code || a.status.state !== 'active') continue;
    const prev = out.get(code);
    const since = Date.parse(a.startsAt);
    out.set(code, { tier: Math.max(prev?.tier ?? 0, tierOf(a)), since: Math.min(prev?.since ?? Infinity, since) });
  }
  return out;
}

export function alertsForCode(alerts: AmAlert[], code: string): AmAlert[] {
  return alerts.filter((a) => a.labels.short_code === code);
}
