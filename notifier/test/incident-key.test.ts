import { describe, expect, it } from 'vitest';
import { incidentKey } from '../src/incidents.js';

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
