// The app's whole navigational state lives in the URL, so an alert's dashboard_url, a
// bookmark or a pasted link reopens exactly the same view.
import { APP_BASE } from '../constants.js';

export const PAGES = ['overview', 'code', 'cause', 'alerts', 'incidents', 'sources', 'reports'] as const;
export type PageId = (typeof PAGES)[number];

export const PAGE_TITLES: Record<PageId, string> = {
  overview: 'Overview',
  code: 'Short code',
  cause: 'Cause',
  alerts: 'Alerts',
  incidents: 'Incidents',
  sources: 'Sources',
  reports: 'Reports',
};

export const DEFAULT_FROM = 'now-1h';
export const DEFAULT_TO = 'now';

/** Query parameters the app owns, in the order they are written to the URL. */
const PARAMS = ['code', 'cause', 'tier', 'channel', 'from', 'to', 'refresh'] as const;
type Param = (typeof PARAMS)[number];

export type AppLocation = { page: PageId } & { [K in Param]?: string };

export function parseLocation(pathname: string, search: string): AppLocation {
  const rest = pathname.startsWith(APP_BASE) ? pathname.slice(APP_BASE.length) : pathname;
  const segment = rest.split('/').filter(Boolean)[0] ?? 'overview';
  const page = (PAGES as readonly string[]).includes(segment) ? (segment as PageId) : 'overview';
  const params = new URLSearchParams(search);
  const loc: AppLocation = { page };
  for (const p of PARAMS) {
    const v = params.get(p);
    if (v !== null && v !== '') loc[p] = v;
  }
  return loc;
}

/** The app URL for a location; empty parameters are left out. */
export function locationUrl(loc: AppLocation): string {
  const params = new URLSearchParams();
  for (const p of PARAMS) {
    const v = loc[p];
    if (v !== undefined && v !== '') params.set(p, v);
  }
  const query = params.toString();
  return `${APP_BASE}/${loc.page}${query ? `?${query}` : ''}`;
}

/**
 * Where a link from `from` to another page goes: the time range and refresh travel with
 * it (an SRE keeps looking at the same window), page-specific choices do not.
 */
export function linkTo(from: AppLocation, to: Omit<AppLocation, 'from' | 'to' | 'refresh'>): string {
  return locationUrl({ ...to, from: from.from, to: from.to, refresh: from.refresh });
}
