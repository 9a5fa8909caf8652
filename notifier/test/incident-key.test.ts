import { describe, expect, it } from 'vitest';
import { IncidentBook, incidentKey } from '../src/incidents.js';
import { parsedPayload } from './helpers.js';

describe('incidentKey', () => {
  it('groups by short code, then log source, then node', () => {
    expect(incidentKey({ alertname: 'ShortCodeSlow', short_code: '*710#', node: 'gw01' }).key).toBe('short_code=*710#');
    // A source alert carries its exporter's node as a target label: the source names the fault.
    expect(incidentKey({ alertname: 'LogSourceSilent', source: 'gw03', node: 'local' })).toEqual({ key: 'source=gw03', short_code: null, node: null, source: 'gw03' });
    expect(incidentKey({ alertname: 'NodeOverloaded', node: 'gw02' })).toEqual({ key: 'node=gw02', short_code: null, node: 'gw02', source: null });
    expect(incidentKey({ alertname: 'WrongCodeSurge', short_code: 'unknown' }).key).toBe('alertname=WrongCodeSurge');
  });

  it('keeps two sources of one node apart', () => {
    expect(incidentKey({ alertname: 'LogSourceSilent', source: 'gw03', node: 'local' }).key).not.toBe(incidentKey({ alertname: 'LogSourceMalformedLines', source: 'gw01', node: 'local' }).key);
  });
});

describe('IncidentBook', () => {
  const alert = (status: 'firing' | 'resolved', startsAt: string) => parsedPayload({ status, startsAt, fingerprint: 'late' }).alerts;

  it('takes a late copy of an ended firing state for the same episode, and a new start for a new one', () => {
    const book = new IncidentBook();
    const t0 = Date.parse('2026-11-21T13:00:00Z');
    const [first] = book.apply(alert('firing', '2026-11-21T12:45:02.123Z'), 2, t0).touched;
    book.restore(first);
    const [ended] = book.apply(alert('resolved', '2026-11-21T12:45:02.123Z'), 2, t0 + 60_000).touched;
    book.restore(ended);
    expect(ended.state).toBe('resolved');
    // An HA peer's (or a retry's) firing copy arriving after the end: no new incident, nobody paged.
    const late = book.apply(alert('firing', '2026-11-21T12:45:02.123Z'), 2, t0 + 120_000);
    expect(late.touched.map((i) => [i.id, i.state])).toEqual([[first.id, 'resolved']]);
    expect(late.changed).toEqual([]);
    // The same alert firing again later is a new episode: a new incident.
    const again = book.apply(alert('firing', '2026-11-21T13:30:02.123Z'), 2, t0 + 1_800_000);
    expect(again.touched.map((i) => [i.id, i.state])).toEqual([[first.id + 1, 'open']]);
  });
});
