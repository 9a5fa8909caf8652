// Who must be told, read from the shipped notifier.yaml (the one place that lists people),
// following its documented rules: tier 1 the team's emails; tier 2 also its on-call SMS;
// tier 3 the critical team's critical lists; an unknown team falls to the critical team.

export type Recipients = (tier: string, team: string) => { sms: string[]; emails: string[] };

interface TeamYaml {
  emails?: string[];
  oncall_sms?: Array<string | number>;
  critical_sms?: Array<string | number>;
  critical_emails?: string[];
}

export function recipientsFor(notifierYaml: unknown): Recipients {
  const cfg = notifierYaml as { critical_team: string; teams: Record<string, TeamYaml> };
  const strings = (v?: Array<string | number>) => (v ?? []).map(String);
  return (tier, team) => {
    if (tier === '3') {
      const crit = cfg.teams[cfg.critical_team];
      return { sms: strings(crit.critical_sms), emails: strings(crit.critical_emails?.length ? crit.critical_emails : crit.emails) };
    }
    const t = cfg.teams[team] ?? cfg.teams[cfg.critical_team];
    return { sms: tier === '2' ? strings(t.oncall_sms) : [], emails: strings(t.emails) };
  };
}
