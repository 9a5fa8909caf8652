import { describe, expect, it } from 'vitest';
import { grafanaUser } from '../src/app-user.js';

describe('the Grafana user behind an acknowledgement', () => {
  it('keeps a login as it is, and drops what a header could not honestly carry', () => {
    expect(grafanaUser('amina.b')).toBe('amina.b');
    expect(grafanaUser('Amína Benali')).toBe('Amína Benali');
    expect(grafanaUser('\u001b[31mroot\u0000\u202e')).toBe('[31mroot');
    expect(grafanaUser(undefined)).toBeUndefined();
    expect(grafanaUser('\u0007 ')).toBeUndefined();
    expect(grafanaUser(['a', 'b'])).toBeUndefined();
    expect(grafanaUser('x'.repeat(500))).toHaveLength(64);
    expect(grafanaUser('+213770123456')).toBe('+2137*****456');
  });
});
