// Incidents derived from the notifier's journal (until /api/incidents exists): one per
// alert and start, the highest tier, resolved by its resolved notification, and who was told.
import { describe, expect, it } from 'vitest';
import { fromIncidentApi, fromJournal } from '../src/incidents.js';

const alert = (status: string, tier = '3') => ({ fingerprint: 'f1', status, alertname: 'ShortCodeAppTimeouts', short_code: '*720#', tier, startsAt: '2026-11-28T10:00:00Z' });

describe('incidents from the journal', () => {
  it('makes one incident per alert, tells who got it, and resolves it', () => {
    const incidents = fromJournal([
      { kind: 'attempt', seq: 3, ts: '2026-11-28T10:01:05Z', notification: 2, channel: 'sms', recipient: '2137****0902', result: 'sent' },
      { kind: 'received', seq: 2, ts: '2026-11-28T10:01:00Z', status: 'firing', alerts: [alert('firing')] },
      { kind: 'attempt', seq: 4, ts: '2026-11-28T10:01:06Z', notification: 2, channel: 'email', recipient: 'n***@djezzy.dz', result: 'failed' },
      { kind: 'received', seq: 5, ts: '2026-11-28T10:20:00Z', status: 'resolved', alerts: [alert('resolved')] },
      { kind: 'attempt', seq: 6, ts: '2026-11-28T10:20:01Z', notification: 5, channel: 'sms', recipient: '2137****0902', result: 'sent' },
    ]);
    expect(incidents).toHaveLength(1);
    const [i] = incidents;
    expect(i).toMatchObject({ shortCode: '*720#', tier: 3, state: 'resolved', alertnames: ['ShortCodeAppTimeouts'] });
    expect(i.resolvedMs).toBe(Date.parse('2026-11-28T10:20:00Z'));
    expect(i.firstNotifiedMs).toBe(Date.parse('2026-11-28T10:01:05Z'));
    // The failed mail told nobody; the resolved SMS is not "told about the incident".
    expect(i.told).toEqual([{ recipient: '2137****0902', channel: 'sms', atMs: Date.parse('2026-11-28T10:01:05Z') }]);
  });

  it('reads the incident API of issue 11', () => {
    const [i] = fromIncidentApi({
      incidents: [{
        id: 'i1', key: 'k', short_code: null, node: 'gw02', source: null, tier: 2, state: 'acknowledged',
        started_at: '2026-11-28T10:00:00Z', resolved_at: null, acknowledged_at: '2026-11-28T10:04:00Z', acknowledged_by: '2137****0901',
        alerts: [{ alertname: 'NodeOverloaded', tier: 2, starts_at: '2026-11-28T10:00:00Z', ends_at: null }],
        notified: [{ recipient: '2137****0901', channel: 'sms', at: '2026-11-28T10:02:00Z', result: 'sent', step: 1 }],
        escalations: [],
      }],
    });
    expect(i).toMatchObject({ node: 'gw02', tier: 2, state: 'acknowledged', acknowledgedMs: Date.parse('2026-11-28T10:04:00Z'), firstNotifiedMs: Date.parse('2026-11-28T10:02:00Z') });
  });
});
