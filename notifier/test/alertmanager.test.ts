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

  it('silences lower tiers only on the same node, source and instance: a missing exporter leaves the others\' alerts alone', async () => {
    // Its own Alertmanager: the inhibitions are computed whatever becomes of the notifications.
    const am = await startAlertmanager({ config: amConfig, baseDir: AM_DIR });
    try {
      const platform = { team: 'ussdwatch', short_code: '', alert_family: 'ussdwatch' };
      const gw02 = { node: 'gw02', instance: '127.0.0.1:9802' };
      await am.postAlerts([
        alert({ ...platform, ...gw02, alertname: 'UssdwatchExporterMissing', tier: '2' }),
        alert({ ...platform, ...gw02, alertname: 'UssdwatchConfigReloadFailed', tier: '1' }),
        alert({ ...platform, node: 'gw01', instance: '127.0.0.1:9801', alertname: 'UssdwatchConfigReloadFailed', tier: '1' }),
        alert({ ...platform, channel: 'sms', alertname: 'NotificationInDoubt', tier: '1' }),
        alert({ alertname: 'NodeOverloaded', tier: '3', short_code: '', node: 'gw01' }),
        alert({ alertname: 'NodeOverloaded', tier: '1', short_code: '', node: 'gw01' }),
        alert({ alertname: 'NodeOverloaded', tier: '1', short_code: '', node: 'gw03' }),
      ]);
      // Status is computed when asked, against the sources Alertmanager has taken in so far:
      // once both inhibitions that must happen show, both sources are in and the rest is final.
      const mustBeInhibited = ['NodeOverloaded/1/gw01: inhibited', 'UssdwatchConfigReloadFailed/1/gw02: inhibited'];
      const state = await waitFor(async () => {
        const alerts = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as { labels: Record<string, string>; status: { inhibitedBy: string[] } }[];
        const now = alerts.map((a) => `${a.labels.alertname}/${a.labels.tier}/${a.labels.node ?? '-'}: ${a.status.inhibitedBy.length > 0 ? 'inhibited' : 'active'}`).sort();
        return mustBeInhibited.every((x) => now.includes(x)) ? now : false;
      }, { what: 'the inhibitions on the same node' });
      expect(state).toEqual([
        'NodeOverloaded/1/gw01: inhibited',
        'NodeOverloaded/1/gw03: active',
        'NodeOverloaded/3/gw01: active',
        'NotificationInDoubt/1/-: active',
        'UssdwatchConfigReloadFailed/1/gw01: active',
        'UssdwatchConfigReloadFailed/1/gw02: inhibited',
        'UssdwatchExporterMissing/2/gw02: active',
      ]);
    } finally {
      await am.stop();
    }
  });

  it('routes tier 1 to the notifier at any hour: business hours are the on-call file\'s, not Alertmanager\'s', async () => {
    // This notifier has no on-call file, so no business hours: what Alertmanager sends goes at once, today and any day.
    expect(amConfig).not.toMatch(/time_intervals/);
    await am1.postAlerts([alert({ alertname: 'UssdWrongCodeSurge', tier: '1', team: 'offers', short_code: '*740#' })]);
    await waitFor(() => smtp.received().some((m) => m.to.includes('noc-offers@djezzy.dz') && m.subject.includes('UssdWrongCodeSurge')), { timeoutMs: 15_000, what: 'the tier 1 mail' });
  });
});
