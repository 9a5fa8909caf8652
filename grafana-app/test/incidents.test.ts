// @vitest-environment happy-dom
import React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { IncidentCard } from '../src/components/IncidentCard.js';
import { weekdayClock } from '../src/components/format.js';
import { durationS, parseIncidents, subjectOf, timelineOf, type Incident } from '../src/data/incidents.js';

// @grafana/ui's source build does not load under vitest (its dependencies export TypeScript
// under the `source` condition the workspace packages need); the browser test renders the
// card with the real one. Here: a badge is its text, a button is a button.
vi.mock('@grafana/ui', () => ({
  Badge: ({ text }: { text: string }) => React.createElement('span', null, text),
  Button: ({ children, disabled }: { children: React.ReactNode; disabled?: boolean }) => React.createElement('button', { disabled }, children),
  useStyles2: () => new Proxy({}, { get: (_t, k) => String(k) }),
}));

// As the notifier's GET /api/incidents answers (notifier/src/incidents-api.ts).
const BODY = {
  incidents: [
    {
      id: 7, key: 'short_code=*710#', short_code: '*710#', node: null, source: null, team: 'noc', tier: 3, tier_since: '2026-11-21T10:00:05Z',
      state: 'acknowledged', started_at: '2026-11-21T10:00:00Z', resolved_at: null, acknowledged_at: '2026-11-21T10:03:00Z', acknowledged_by: '21377****567', closed: false,
      alerts: [
        { fingerprint: 'a', alertname: 'UssdAppTimeouts', tier: 3, team: 'noc', starts_at: '2026-11-21T10:00:00Z', ends_at: null },
        { fingerprint: 'b', alertname: 'UssdInternalErrors', tier: 2, team: 'noc', starts_at: '2026-11-21T09:59:30Z', ends_at: '2026-11-21T10:02:00Z' },
      ],
      notified: [
        { recipient: '21377****567', channel: 'sms', at: '2026-11-21T10:00:10Z', result: 'delivered', step: 0, phase: 't3' },
        { recipient: '21366****111', channel: 'sms', at: '2026-11-21T10:00:11Z', result: 'held', step: 0, phase: 't3', until: '2026-11-21T11:00:00Z', reason: 'SMS cap' },
        { recipient: 'n*********g@djezzy.dz', channel: 'mail', at: '2026-11-21T10:00:12Z', result: 'held', step: 0, phase: 't1', until: '2026-11-22T07:00:00Z', reason: 'business hours' },
        { recipient: 'n*********s@djezzy.dz', channel: 'mail', at: '2026-11-21T10:00:13Z', result: 'released', step: 0, phase: 't1', until: '2026-11-22T07:00:00Z', reason: 'business hours' },
      ],
      escalations: [{ at: '2026-11-21T10:02:30Z', step: 1, to: '21366****111', tier: 3 }],
      silence: null,
    },
    {
      id: 8, key: 'node=gw02', short_code: null, node: 'gw02', source: null, team: 'noc', tier: 2, tier_since: '2026-11-21T10:00:00Z', state: 'resolved',
      started_at: '2026-11-21T10:00:00Z', resolved_at: '2026-11-21T10:10:00Z', acknowledged_at: null, acknowledged_by: null, closed: false, alerts: [], notified: [], escalations: [], silence: null,
    },
  ],
};

const T = (iso: string) => Date.parse(iso);

describe('incidents from the notifier', () => {
  it('reads times, nulls and held release times; refuses what is not the API', () => {
    const [a, b] = parseIncidents(BODY);
    expect(a).toMatchObject({ id: 7, shortCode: '*710#', node: undefined, state: 'acknowledged', acknowledgedBy: '21377****567', resolvedAt: undefined });
    expect(a.notified[1]).toEqual({ recipient: '21366****111', channel: 'sms', at: T('2026-11-21T10:00:11Z'), result: 'held', step: 0, until: T('2026-11-21T11:00:00Z'), reason: 'SMS cap' });
    expect(b.node).toBe('gw02');
    expect(() => parseIncidents({ entries: [] })).toThrow(/\{incidents/);
    expect(() => parseIncidents({ incidents: [{ id: 1, state: 'firing' }] })).toThrow(/state/);
    expect(() => parseIncidents({ incidents: [{ ...BODY.incidents[1], started_at: 'yesterday' }] })).toThrow(/incident 8 started_at: "yesterday"/);
  });

  it('names the short code with its service, else the node; lasts until resolved or now', () => {
    const [a, b] = parseIncidents(BODY);
    expect(subjectOf(a, new Map([['*710#', 'Flexy']]))).toBe('*710# Flexy');
    expect(subjectOf(a, new Map())).toBe('*710#');
    expect(subjectOf(b, new Map())).toBe('node gw02');
    expect(durationS(b, 0)).toBe(600);
    expect(durationS(a, T('2026-11-21T10:05:00Z'))).toBe(300);
  });

  it('puts alerts, messages, escalations and the acknowledgement on one timeline, oldest first', () => {
    const events = timelineOf(parseIncidents(BODY)[0]);
    expect(events.map((e) => `${e.kind}: ${e.text}`)).toEqual([
      'alert: UssdInternalErrors firing (tier 2)',
      'alert: UssdAppTimeouts firing (tier 3)',
      'notified: sms to 21377****567 (first page): delivered',
      'notified: sms to 21366****111 (first page): held',
      'notified: mail to n*********g@djezzy.dz (first page): held',
      'notified: mail to n*********s@djezzy.dz (first page): held (business hours), then released',
      'alert: UssdInternalErrors resolved',
      'escalation: escalated to step 1: 21366****111',
      'acknowledged: acknowledged by 21377****567',
    ]);
    expect(events.filter((e) => e.text.endsWith('held')).map((e) => [e.heldUntil, e.heldFor])).toEqual([[T('2026-11-21T11:00:00Z'), 'SMS cap'], [T('2026-11-22T07:00:00Z'), 'business hours']]);
  });
});

/** The card as the server renders it: the markup a person would read. */
const card = (incident: Incident, serviceNames: Map<string, string>, nowMs: number) =>
  renderToStaticMarkup(React.createElement(IncidentCard, { incident, serviceNames, nowMs, onAck: () => Promise.resolve() }));

describe('the incident card', () => {
  const render = (i: number) =>
    card(parseIncidents(BODY)[i], new Map([['*710#', 'Flexy']]), T('2026-11-21T10:05:00Z'));

  it('shows state, who acknowledged, escalations, and held messages as held until their local release time, and why', () => {
    const html = render(0);
    expect(html).toContain('#7 *710# Flexy');
    expect(html).toContain('acknowledged by 21377****567');
    expect(html).toContain('1 escalation');
    expect(html).toContain(`held<span class="held"> until ${weekdayClock(T('2026-11-21T11:00:00Z'))} (SMS cap)`);
    // Tier-1 mail outside business hours, in the viewer's zone: "mail held until Sun 08:00 CET (business hours)".
    expect(html).toContain(`mail to n*********g@djezzy.dz (first page): held<span class="held"> until ${weekdayClock(T('2026-11-22T07:00:00Z'))} (business hours)`);
    expect(weekdayClock(T('2026-11-22T07:00:00Z'), 'Africa/Algiers')).toBe('Sun 08:00 CET');
    // Acknowledged already: no button.
    expect(html).not.toContain('Acknowledge</');
  });

  it('offers Acknowledge only while open', () => {
    const open = { incidents: [{ ...BODY.incidents[0], state: 'open', acknowledged_at: null, acknowledged_by: null }] };
    const html = card(parseIncidents(open)[0], new Map(), 0);
    expect(html).toMatch(/<button[^>]*>.*Acknowledge/);
    expect(render(1)).not.toMatch(/<button/);
    expect(render(1)).toContain('lasted 10 min');
  });
});
