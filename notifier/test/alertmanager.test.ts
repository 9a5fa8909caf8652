// The repository's alertmanager.yml in real Alertmanagers, posting to the notifier,
// delivering through real Kannel and SMTP. Timers are shortened; routes, receivers,
// token file, templates and inhibitions are the shipped ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAlertmanager, waitFor, type KannelGateway, type PostableAlert, type RunningAlertmanager, type SmtpSink } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNotifier } from '../src/service.js';
import { REPO, startRealChain, type RealChain } from './helpers.js';

const AM_DIR = join(REPO, 'alertmanager');

let chain: RealChain;
let kannel: KannelGateway;
let smtp: SmtpSink;
let notifier: RunningNotifier;
let am1: RunningAlertmanager;
let am2: RunningAlertmanager;
let amConfig: string;

beforeAll(async () => {
  // The notifier reads the token Alertmanager sends from the same shipped file.
  chain = await startRealChain(readFileSync(join(AM_DIR, 'secrets/notifier.token'), 'utf8').trim());
  ({ kannel, smtp, notifier } = chain);
  const config = amConfig = readFileSync(join(AM_DIR, 'alertmanager.yml'), 'utf8')
    .replaceAll('http://127.0.0.1:9717', notifier.url)
    .replace(/group_wait: \S+/g, 'group_wait: 500ms')
    .replace(/group_interval: \S+/g, 'group_interval: 1s');
  // Two independent Alertmanagers (the harshest HA case: both surely notify).
  [am1, am2] = await Promise.all([startAlertmanager({ config, baseDir: AM_DIR }), startAlertmanager({ config, baseDir: AM_DIR })]);
});

afterAll(async () => {
  await Promise.all([am1?.stop(), am2?.stop()]);
  await chain?.stop();
});

const alert = (labels: Record<string, string>, endsAt?: string): PostableAlert => ({
  labels: { severity: 'critical', team: 'billing', short_code: '*710#', ...labels },
  annotations: { summary: `${labels.alertname} on *710#` },
  startsAt: new Date(Date.now() - 60_000).toISOString(),
  ...(endsAt ? { endsAt } : {}),
});

describe('Alertmanager -> notifier -> Kannel and SMTP', () => {
  it('a tier 3 alert from an HA pair reaches each critical number once, then resolves once', async () => {
    const firing = alert({ alertname: 'UssdAppTimeouts', tier: '3' });
    await Promise.all([am1.postAlerts([firing]), am2.postAlerts([firing])]);
    const critical = ['213770000902', '213770000903'];
    const smsFor = (n: string) => kannel.received().filter((m) => m.to === n).map((m) => m.text);
    await waitFor(() => critical.every((n) => smsFor(n).length >= 1), { timeoutMs: 15_000, what: 'tier 3 SMS at fakesmsc' });
    await waitFor(() => smtp.received().some((m) => m.to.includes('noc-critical@djezzy.dz')), { what: 'tier 3 mail' });

    const resolved = alert({ alertname: 'UssdAppTimeouts', tier: '3' }, new Date().toISOString());
    await Promise.all([am1.postAlerts([resolved]), am2.postAlerts([resolved])]);
    await waitFor(() => critical.every((n) => smsFor(n).length >= 2), { timeoutMs: 15_000, what: 'resolved SMS' });
    // Both Alertmanagers notified twice; the notifier deduplicated the copies.
    await waitFor(async () => {
      const m = await (await fetch(`${notifier.url}/metrics`)).text();
      return /notifier_notifications_total\{channel="sms",result="duplicate"\} [4-9]/.test(m);
    }, { what: 'the second Alertmanager\'s copies counted as duplicates' });
    for (const n of critical) {
      expect(smsFor(n)).toEqual([expect.stringMatching(/^ALERTE T3 \*710#: UssdAppTimeouts\. Depuis /), expect.stringMatching(/^RESOLU T3 \*710#: retour à la normale\./)]);
    }
  });

  it('inhibits the lower tiers of the same alert and code, and what a silent source causes', async () => {
    await am1.postAlerts([
      alert({ alertname: 'UssdInternalErrors', tier: '3' }),
      alert({ alertname: 'UssdInternalErrors', tier: '1' }),
      alert({ alertname: 'UssdInternalErrors', tier: '1', short_code: '*720#' }),
      alert({ alertname: 'LogSourceSilent', tier: '2', team: 'ussd-platform', short_code: '', source: 'gw01' }),
      alert({ alertname: 'LogSourceMalformedLines', tier: '1', team: 'ussd-platform', short_code: '', source: 'gw01' }),
      alert({ alertname: 'LogSourceMalformedLines', tier: '1', team: 'ussd-platform', short_code: '', source: 'gw02' }),
      alert({ alertname: 'ShortCodeTrafficDrop', tier: '2', short_code: '*720#' }),
      alert({ alertname: 'ShortCodeTrafficCollapsed', tier: '3', short_code: '*730#' }),
    ]);
    const inhibited = await waitFor(async () => {
      const alerts = (await (await fetch(`${am1.url}/api/v2/alerts`)).json()) as { labels: Record<string, string>; status: { inhibitedBy: string[] } }[];
      const names = alerts.filter((a) => a.status.inhibitedBy.length > 0).map((a) => `${a.labels.alertname}/${a.labels.tier}/${a.labels.short_code || a.labels.source}`);
      return names.length >= 3 ? names.sort() : false;
    }, { what: 'inhibited alerts' });
    expect(inhibited).toEqual(['LogSourceMalformedLines/1/gw01', 'ShortCodeTrafficDrop/2/*720#', 'UssdInternalErrors/1/*710#']);
  });

  it('routes tier 1 to the notifier at any hour: business hours are the on-call file\'s, not Alertmanager\'s', async () => {
    // This notifier has no on-call file, so no business hours: what Alertmanager sends goes at once, today and any day.
    expect(amConfig).not.toMatch(/time_intervals/);
    await am1.postAlerts([alert({ alertname: 'UssdWrongCodeSurge', tier: '1', team: 'offers', short_code: '*740#' })]);
    await waitFor(() => smtp.received().some((m) => m.to.includes('noc-offers@djezzy.dz') && m.subject.includes('UssdWrongCodeSurge')), { timeoutMs: 15_000, what: 'the tier 1 mail' });
  });
});
