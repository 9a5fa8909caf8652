import { describe, expect, it } from 'vitest';
import { alertingByCode, groupByTier, tierOf, type AmAlert } from '../src/data/alerts.js';

const alert = (labels: Record<string, string>, startsAt: string, state: AmAlert['status']['state'] = 'active'): AmAlert => ({
  labels,
  annotations: {},
  startsAt,
  fingerprint: `${labels.alertname}${labels.short_code}${startsAt}`,
  status: { state, silencedBy: [], inhibitedBy: state === 'suppressed' ? ['x'] : [] },
});

describe('alerts by tier', () => {
  const alerts = [
    alert({ alertname: 'Slow', short_code: '*710#', tier: '1' }, '2026-11-21T13:00:00Z'),
    alert({ alertname: 'Down', short_code: '*710#', tier: '3' }, '2026-11-21T13:05:00Z'),
    alert({ alertname: 'Errors', short_code: '*720#', tier: '2' }, '2026-11-21T13:02:00Z', 'suppressed'),
    alert({ alertname: 'Old', severity: 'warning' }, '2026-11-21T12:00:00Z'),
    alert({ alertname: 'Stale', short_code: '*730#', tier: '2' }, '2026-11-21T12:30:00Z'),
  ];

  it('reads the tier label, falling back to severity', () => {
    expect(tierOf(alerts[1])).toBe(3);
    expect(tierOf(alerts[3])).toBe(2);
    expect(tierOf(alert({ alertname: 'x' }, ''))).toBe(0);
  });

  it('groups highest tier first, oldest first inside a tier', () => {
    const g = groupByTier(alerts);
    expect(g.map((x) => x.tier)).toEqual([3, 2, 1]);
    expect(g[1].alerts.map((a) => a.labels.alertname)).toEqual(['Old', 'Stale', 'Errors']);
  });

  it("leaves out the always-firing Watchdog: the pipeline's heartbeat is no alert to look at", () => {
    const g = groupByTier([...alerts, alert({ alertname: 'Watchdog', severity: 'none', team: 'ussdwatch' }, '2026-11-21T11:00:00Z')]);
    expect(g.map((x) => x.tier)).toEqual([3, 2, 1]);
    expect(g.flatMap((x) => x.alerts).map((a) => a.labels.alertname)).not.toContain('Watchdog');
  });

  it('gives each code its highest firing tier and oldest start, ignoring suppressed alerts', () => {
    expect(alertingByCode(alerts)).toEqual(
      new Map([
        ['*710#', { tier: 3, since: Date.parse('2026-11-21T13:00:00Z') }],
        ['*730#', { tier: 2, since: Date.parse('2026-11-21T12:30:00Z') }],
      ]),
    );
  });
});
