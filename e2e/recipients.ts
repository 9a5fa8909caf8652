// Who must be told, by the notifier's own rules read from the shipped notifier.yaml and its
// on-call file: tier 1 the team's emails; tier 2 the first step of the team's chain (who is
// on call now) and its emails; tier 3 the critical team's tier-3 chain and critical emails;
// an unknown team falls to the critical team.
import type { NotifierConfig } from '@ussdwatch/notifier/config.js';
import { recipientsFor as notifierRecipients, type Tier } from '@ussdwatch/notifier/dispatch.js';
import { chainFor, stepPeople } from '@ussdwatch/notifier/oncall.js';

/** Who must be told of an alert of this tier and team, by who is on call at `at` (the call's time unless the set is fixed to one). */
export type Recipients = (tier: string, team: string, at?: number) => { sms: string[]; emails: string[] };

export function recipientsFor(cfg: NotifierConfig, fixedAt?: number): Recipients {
  return (tier, team, at = fixedAt ?? Date.now()) => {
    const lists = notifierRecipients(tier as Tier, [team], cfg);
    const emails = lists.filter((r) => r.channel === 'email').map((r) => r.address);
    const chainTeam = tier === '3' || !cfg.teams.has(team) ? cfg.criticalTeam : team;
    const chain = tier === '1' ? undefined : chainFor(cfg.oncall, chainTeam, tier);
    const sms = chain && cfg.oncall
      ? stepPeople(cfg.oncall, chain[0], at).flatMap((p) => (p.sms ? [p.sms] : []))
      : lists.filter((r) => r.channel === 'sms').map((r) => r.address);
    return { sms, emails };
  };
}
