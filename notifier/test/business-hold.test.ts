// Tier-1 mail and business hours, on a clock the test sets: when a mail is held, until
// when, and what releases it early; and the on-call file's release_early, validated.
import { parseYaml } from '@ussdwatch/common/config-file.js';
import { describe, expect, it } from 'vitest';
import { holdUntil, releaseReason } from '../src/business-hold.js';
import type { Incident } from '../src/incidents.js';
import { onCallFrom } from '../src/oncall.js';

const FILE = '/etc/ussdwatch/oncall.yaml';
const oncall = (businessHours: string) => onCallFrom(parseYaml(`timezone: Africa/Algiers
business_hours: ${businessHours}
people:
  ana: { sms: "213770000101" }
`, FILE));
const SHIPPED_HOURS = '{ days: [sunday, monday, tuesday, wednesday, thursday], start: "08:00", end: "18:00", release_early: { alerts: 3, firing_for: 4h } }';

// Algiers is UTC+1 all year: Thursday 2026-11-26 19:30 local is 18:30 UTC.
const THURSDAY_EVENING = Date.parse('2026-11-26T18:30:00Z');
const SUNDAY_OPENING = Date.parse('2026-11-29T07:00:00Z');

function incident(alerts: number, tier = 1, startedAt = THURSDAY_EVENING): Incident {
  return {
    id: 1, key: 'short_code=*740#', short_code: '*740#', node: null, source: null, team: 'vas', tier, tier_since: new Date(startedAt).toISOString(),
    state: 'open', started_at: new Date(startedAt).toISOString(), resolved_at: null, acknowledged_at: null, acknowledged_by: null, closed: false,
    alerts: Array.from({ length: alerts }, (_, i) => ({ fingerprint: `f${i}`, alertname: `A${i}`, tier, team: 'vas', starts_at: null, ends_at: null })),
    notified: [], escalations: [], silence: null,
  };
}

describe('tier-1 mail and business hours', () => {
  const oc = oncall(SHIPPED_HOURS);

  it('holds a Thursday-evening mail until Sunday 08:00 Algiers, and sends one inside business hours', () => {
    expect(holdUntil(oc, incident(1), THURSDAY_EVENING)).toBe(SUNDAY_OPENING);
    expect(holdUntil(oc, incident(1), SUNDAY_OPENING + 60_000)).toBeNull();
    // Without an on-call file there are no business hours: the mail goes.
    expect(holdUntil(undefined, incident(1), THURSDAY_EVENING)).toBeNull();
  });

  it('sends at once what cannot wait: a higher tier, enough alerts firing, or a fault firing for long', () => {
    expect(holdUntil(oc, incident(1, 2), THURSDAY_EVENING)).toBeNull();
    expect(holdUntil(oc, incident(3), THURSDAY_EVENING)).toBeNull();
    expect(holdUntil(oc, incident(1, 1, THURSDAY_EVENING - 4 * 3_600_000), THURSDAY_EVENING)).toBeNull();
  });

  it('releases a held mail at the opening, or earlier when the fault grows', () => {
    const later = THURSDAY_EVENING + 3_600_000;
    expect(releaseReason(oc, incident(1), SUNDAY_OPENING, later)).toBeNull();
    expect(releaseReason(oc, incident(1), SUNDAY_OPENING, SUNDAY_OPENING)).toBe('business hours');
    expect(releaseReason(oc, incident(1, 2), SUNDAY_OPENING, later)).toBe('the incident reached tier 2');
    expect(releaseReason(oc, incident(3), SUNDAY_OPENING, later)).toBe('3 alerts firing (release_early.alerts: 3)');
    expect(releaseReason(oc, incident(1), SUNDAY_OPENING, THURSDAY_EVENING + 4 * 3_600_000)).toBe('still firing after 4 h (release_early.firing_for)');
    const ended = incident(3);
    ended.alerts[0].ends_at = ended.started_at;
    expect(releaseReason(oc, ended, SUNDAY_OPENING, later)).toBeNull();
  });

  it('defaults release_early to 3 alerts or 4 hours', () => {
    expect(oncall('{ start: "08:00" }').businessHours.releaseEarly).toEqual({ alerts: 3, firingForMs: 4 * 3_600_000 });
  });

  it.each([
    ['a threshold of one alert (every mail would go)', '{ release_early: { alerts: 1 } }', /oncall\.yaml:2: business_hours\.release_early\.alerts: expected an integer from 2 to 100; got 1/],
    ['a duration that is not one', '{ release_early: { firing_for: soon } }', /oncall\.yaml:2: business_hours\.release_early\.firing_for: not a duration; write it like 4h or 90m/],
    ['a wait longer than the notifier remembers', '{ release_early: { firing_for: 2d } }', /oncall\.yaml:2: business_hours\.release_early\.firing_for: not a duration/],
    ['a wait of more than 12 hours', '{ release_early: { firing_for: 13h } }', /oncall\.yaml:2: business_hours\.release_early\.firing_for: write between 10m and 12h/],
    ['a misspelt key', '{ release_early: { alert: 3 } }', /oncall\.yaml:2: business_hours\.release_early\.alert: unknown key; allowed keys here: alerts, firing_for/],
  ])('refuses %s, with file and line', (_what, hours, message) => {
    expect(() => oncall(hours)).toThrow(message);
  });
});
