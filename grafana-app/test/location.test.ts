import { describe, expect, it } from 'vitest';
import { linkTo, locationUrl, parseLocation } from '../src/state/location.js';

describe('URL state', () => {
  it('reads the page, code and range from an alert dashboard_url', () => {
    const loc = parseLocation('/a/djezzy-ussdwatch-app/code', '?code=%2A710%23&from=now-6h&to=now');
    expect(loc).toEqual({ page: 'code', code: '*710#', from: 'now-6h', to: 'now' });
  });

  it('falls back to the overview for an unknown or missing page', () => {
    expect(parseLocation('/a/djezzy-ussdwatch-app', '').page).toBe('overview');
    expect(parseLocation('/a/djezzy-ussdwatch-app/nope', '').page).toBe('overview');
  });

  it('writes URLs that parse back to the same state, short codes encoded', () => {
    const url = locationUrl({ page: 'code', code: '*720*1#', cause: 'app_timeout', from: 'now-1h', to: 'now', refresh: '30s' });
    expect(url).toBe('/a/djezzy-ussdwatch-app/code?code=*720*1%23&cause=app_timeout&from=now-1h&to=now&refresh=30s');
    const [path, query] = url.split('?');
    expect(parseLocation(path, `?${query}`)).toEqual({ page: 'code', code: '*720*1#', cause: 'app_timeout', from: 'now-1h', to: 'now', refresh: '30s' });
  });

  it('keeps the range across links but drops page-specific choices', () => {
    const here = parseLocation('/a/djezzy-ussdwatch-app/code', '?code=*710%23&cause=routing&from=now-3h&to=now');
    expect(linkTo(here, { page: 'alerts' })).toBe('/a/djezzy-ussdwatch-app/alerts?from=now-3h&to=now');
  });
});
