// Tier-1 mail waits for business hours, as the on-call file defines them (the one place
// they are defined: Alertmanager routes tier 1 at any hour). A held mail is journaled with
// its release time, and goes at that time, or at once when its fault will not wait: the
// incident reached tier 2 or 3, or it grew (release_early: enough alerts firing, or firing
// long enough). Pure: the dispatcher decides the hold, the on-call loop the release.
import { firing, type Incident } from './incidents.js';
import { inBusinessHours, nextBusinessOpening, type OnCall } from './oncall.js';

/** Why held mail is shown held: the app and the journal say it in these words. */
export const BUSINESS_HOURS = 'business hours';

/** Why the fault cannot wait any more, or null. */
function grown(oc: OnCall, inc: Incident, now: number): string | null {
  const { alerts, firingForMs } = oc.businessHours.releaseEarly;
  const live = inc.alerts.filter(firing).length;
  if (live >= alerts) return `${live} alerts firing (release_early.alerts: ${alerts})`;
  if (now - Date.parse(inc.started_at) >= firingForMs) return `still firing after ${firingForMs % 3_600_000 ? `${firingForMs / 60_000} min` : `${firingForMs / 3_600_000} h`} (release_early.firing_for)`;
  return null;
}

/** When a tier-1 mail about `inc` must wait until, or null to send it now. */
export function holdUntil(oc: OnCall | undefined, inc: Incident, now: number): number | null {
  if (!oc || inc.tier > 1 || inBusinessHours(oc, now) || grown(oc, inc, now)) return null;
  return nextBusinessOpening(oc, now);
}

/** Why a mail held until `until` goes now, or null while it waits. */
export function releaseReason(oc: OnCall | undefined, inc: Incident, until: number, now: number): string | null {
  if (inc.tier > 1) return `the incident reached tier ${inc.tier}`;
  if (!oc) return 'no on-call file any more';
  return now >= until ? BUSINESS_HOURS : grown(oc, inc, now);
}
