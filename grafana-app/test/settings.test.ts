import { describe, expect, it } from 'vitest';
import { checkServiceUrl, resolveSettings } from '../src/settings.js';

describe('service URL check', () => {
  it('says what to enter', () => {
    expect(checkServiceUrl('Notifier', ' ', 'http://notifier:9717')).toBe('Notifier URL is empty: enter e.g. http://notifier:9717');
    expect(checkServiceUrl('Exporter', 'exporter 9716', 'x')).toContain('is not a URL');
    expect(checkServiceUrl('Exporter', 'ftp://exporter', 'x')).toContain('http:// or https://');
    expect(checkServiceUrl('Exporter', 'http://exporter:9716', 'x')).toBeUndefined();
  });
});

describe('settings', () => {
  it('defaults to the provisioned datasource uids', () => {
    expect(resolveSettings(undefined)).toEqual({ prometheusUid: 'ussdwatch-prometheus', alertmanagerUid: 'ussdwatch-alertmanager' });
    expect(resolveSettings({ prometheusUid: ' other ' }).prometheusUid).toBe('other');
  });
});
