// The stack's derived configurations (shipped files, rewired) and the e2e's own reading of
// what arrived: checked here in seconds, so a full e2e run never fails on a parsing slip.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '@ussdwatch/testkit';
import { alertmanagerConfig, durationMs, exporterConfig, notifierConfig, openBusinessHours, reportsConfig } from '@ussdwatch/testkit/wiring';
import { dpssFileFor, phaseInPeriod } from './dpss-clock.js';
import { duplicateSms, mailNotice, mailText, smsNotice, smsPerIncidentMax, type Notice } from './messages.js';
import { loadConfig } from '@ussdwatch/notifier/config.js';
import { inBusinessHours, loadOnCall } from '@ussdwatch/notifier/oncall.js';
import { shortDelays } from './oncall.js';
import { recipientsFor } from './recipients.js';
import { median, summaryLine, targetFailures } from './summary.js';

const shipped = (p: string) => readFile(join(REPO_ROOT, p), 'utf8');

describe('the stack rewires the shipped configurations', () => {
  it('reads Go durations', () => {
    expect(durationMs('1h30m')).toBe(5_400_000);
    expect(durationMs('45s')).toBe(45_000);
    expect(durationMs('500ms')).toBe(500);
    expect(() => durationMs('5 minutes')).toThrow(/not a duration/);
  });

  it('points every Alertmanager receiver at the notifier, caps slow routes only, and amtool accepts it', async () => {
    const text = alertmanagerConfig(await shipped('alertmanager/alertmanager.yml'), {
      webhookBase: 'http://127.0.0.1:40001',
      maxGroupWait: '30s',
      maxGroupInterval: '30s',
    });
    const cfg = parseYaml(text) as { receivers: Array<{ webhook_configs?: Array<{ url: string }> }>; route: { group_wait: string; routes: Array<{ group_wait: string; matchers: string[] }> } };
    const urls = cfg.receivers.flatMap((r) => r.webhook_configs ?? []).map((h) => h.url);
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u).toMatch(/^http:\/\/127\.0\.0\.1:40001\/webhook\/(tier[123]|watchdog)$/);
    const tier3 = cfg.route.routes.find((r) => r.matchers.includes('tier="3"'))!;
    expect(durationMs(tier3.group_wait)).toBeLessThanOrEqual(30_000);
    const shippedTier3 = (parseYaml(await shipped('alertmanager/alertmanager.yml')) as typeof cfg).route.routes.find((r) => r.matchers.includes('tier="3"'))!;
    expect(tier3.group_wait).toBe(shippedTier3.group_wait);
    for (const r of [cfg.route, ...cfg.route.routes]) expect(durationMs(r.group_wait)).toBeLessThanOrEqual(30_000);
    // The real checker, with the secrets next to it as the launcher lays them out.
    const dir = await mkdtemp(join(tmpdir(), 'ussdwatch-e2e-am-'));
    await cp(join(REPO_ROOT, 'alertmanager'), dir, { recursive: true });
    await writeFile(join(dir, 'alertmanager.yml'), text);
    await expect(promisify(execFile)('amtool', ['check-config', join(dir, 'alertmanager.yml')])).resolves.toBeTruthy();
  });

  it('opens the on-call file\'s business hours every day, all day, and the notifier accepts it', async () => {
    const text = openBusinessHours(await shipped('notifier/config/oncall.yaml'));
    const dir = await mkdtemp(join(tmpdir(), 'ussdwatch-e2e-oncall-'));
    await writeFile(join(dir, 'oncall.yaml'), text);
    const oc = loadOnCall(join(dir, 'oncall.yaml'));
    expect(oc.businessHours).toMatchObject({ days: new Set([0, 1, 2, 3, 4, 5, 6]), startMin: 0, endMin: 1440 });
    for (let h = 0; h < 168; h++) expect(inBusinessHours(oc, Date.parse('2026-11-29T00:30:00Z') + h * 3_600_000)).toBe(true);
    // The rest of the file as shipped: the release thresholds, the people.
    expect(oc.businessHours.releaseEarly).toEqual(loadOnCall(join(REPO_ROOT, 'notifier/config/oncall.yaml')).businessHours.releaseEarly);
    expect(oc.people.size).toBeGreaterThan(5);
  });

  it('wires the notifier to the stack and keeps the teams, with paths made absolute', async () => {
    const text = notifierConfig(await shipped('notifier/config/notifier.yaml'), {
      baseDir: join(REPO_ROOT, 'notifier/config'),
      port: 40002,
      journalDir: '/tmp/journal',
      sendsms: { url: 'http://127.0.0.1:40003/cgi-bin/sendsms', user: 'u', password: 'p' },
      smtp: { host: '127.0.0.1', port: 40004 },
      alertmanagerUrls: ['http://127.0.0.1:40005'],
    });
    const cfg = parseYaml(text) as Record<string, Record<string, unknown>>;
    const original = parseYaml(await shipped('notifier/config/notifier.yaml')) as Record<string, unknown>;
    expect(cfg.listen).toEqual({ host: '127.0.0.1', port: 40002 });
    expect(cfg.journal.dir).toBe('/tmp/journal');
    expect(cfg.sms).toMatchObject({ sendsms_url: 'http://127.0.0.1:40003/cgi-bin/sendsms', user: 'u', password: 'p' });
    expect(cfg.email).toMatchObject({ host: '127.0.0.1', port: 40004 });
    expect(cfg.auth.token_file).toBe(join(REPO_ROOT, 'alertmanager/secrets/notifier.token'));
    expect(cfg.teams).toEqual(original.teams);
    // The notifier silences in this stack's Alertmanager, Kannel calls it back, links point at it.
    expect(cfg.alertmanager).toMatchObject({ urls: ['http://127.0.0.1:40005'] });
    expect(cfg.sms).toMatchObject({ callback_url: 'http://127.0.0.1:40002', callback_token_file: join(REPO_ROOT, 'notifier/config/secrets/kannel-callback.token') });
    expect(cfg.links).toMatchObject({ base_url: 'http://127.0.0.1:40002' });
    expect(cfg.oncall_file).toBe(join(REPO_ROOT, 'notifier/config/oncall.yaml'));
    expect(cfg.catalogue_file).toBe(join(REPO_ROOT, 'exporter/config/catalogue.yaml'));
  });

  it('moves only the exporter listen address', async () => {
    const base = parseYaml(await shipped('exporter/config/default.yaml')) as Record<string, unknown>;
    const cfg = parseYaml(exporterConfig(await shipped('exporter/config/default.yaml'), 40005)) as Record<string, unknown>;
    expect(cfg).toEqual({ ...base, listen: '127.0.0.1:40005' });
  });

  it('wires the report schedule to the stack: sources, port, archive; the reports and recipients as shipped', async () => {
    const base = parseYaml(await shipped('reports/config/schedule.yaml')) as Record<string, unknown>;
    const wiring = { port: 40006, prometheusUrl: 'http://127.0.0.1:40007', notifierUrl: 'http://127.0.0.1:40002', notifierConfigFile: '/tmp/notifier.yaml', notifierTokenFile: '/tmp/notifier.token', archiveDir: '/tmp/reports' };
    const cfg = parseYaml(reportsConfig(await shipped('reports/config/schedule.yaml'), wiring)) as Record<string, unknown>;
    expect(cfg).toEqual({
      ...base,
      prometheus: { url: 'http://127.0.0.1:40007' },
      notifier: { config_file: '/tmp/notifier.yaml', url: 'http://127.0.0.1:40002', bearer_token_file: '/tmp/notifier.token' },
      listen: { host: '127.0.0.1', port: 40006 },
      public_url: 'http://127.0.0.1:40006',
      archive: { dir: '/tmp/reports', retention_days: (base.archive as { retention_days: number }).retention_days },
    });
  });
});

describe('DPSS periods', () => {
  it('names the file after the Algiers-time start of the period holding an instant', () => {
    const t = Date.parse('2026-11-21T13:44:59.900Z'); // 14:44:59.9 in Algiers
    expect(dpssFileFor(t, 300)).toBe('dpss_kpi_202611211440.csv');
    expect(dpssFileFor(t + 200, 300)).toBe('dpss_kpi_202611211445.csv');
    expect(phaseInPeriod(t, 300)).toBeCloseTo(299.9, 5);
  });
});

describe('reading what the people on call received', () => {
  const sms = (text: string, seenAt: number, to = '213770000902') => smsNotice({ from: 'Djezzy-NOC', to, type: 'text', text, seenAt })!;

  it('parses the incident SMS, French or English, with a short code, a node or a source', () => {
    expect(sms("ALERTE T3 *720# Forfaits: l'appli ne répond pas. Depuis 14:02. #12 répondez 12a=je prends 12c=clore", 1)).toMatchObject({ channel: 'sms', status: 'firing', tier: '3', shortCode: '*720#', incident: 12 });
    expect(sms('RESOLVED T2 source gw03: back to normal. #7 lasted 4 min (from 14:02)', 1)).toMatchObject({ status: 'resolved', tier: '2', shortCode: '', incident: 7 });
    expect(sms('RESOLU T2 noeud gw02: retour à la normale. #8 a duré 3 min (depuis 14:02)', 1)).toMatchObject({ status: 'resolved', shortCode: '', incident: 8 });
    expect(smsNotice({ from: 'x', to: 'y', type: 'text', text: 'ping', seenAt: 1 })).toBeNull();
    expect(smsNotice({ from: 'x', to: 'y', type: 'text', text: '#12 *720# Forfaits pris en charge par amina à 14:10', seenAt: 1 })).toBeNull();
  });

  it('cuts the shipped on-call delays to about a minute, in order', () => {
    expect(shortDelays('- { after: 10m, notify: [a] }\n- { after: 20m, notify: [b] }\n  tier2: [{ notify: [c] }, { after: 15m, notify: [d] }]'))
      .toBe('- { after: 60s, notify: [a] }\n- { after: 120s, notify: [b] }\n  tier2: [{ notify: [c] }, { after: 90s, notify: [d] }]');
  });

  it('counts a second SMS for the same recipient, incident, tier and status as a duplicate, a rise of tier or a new incident not', () => {
    const n: Notice[] = [
      sms('ALERTE T2 *720# Forfaits: x. #3 r', 1),
      sms('ALERTE T2 *720# Forfaits: y. #3 r', 2),
      sms('ALERTE T2 *720# Forfaits: x. #3 r', 2, '213770000903'),
      sms('ALERTE T3 *720# Forfaits: x. #3 r', 3),
      sms('RESOLU T3 *720# Forfaits: x. #3 r', 4),
      sms('ALERTE T2 *720# Forfaits: x. #4 r', 5),
    ];
    expect(duplicateSms(n).map((d) => d.notice.seenAt)).toEqual([2]);
    expect(smsPerIncidentMax(n)).toBe(2);
  });

  it('decodes quoted-printable and base64 mail bodies', () => {
    const qp = 'Content-Type: multipart/alternative; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nshort code: *720#, class: internal, cause: app=5Ftimeout, a very long line=\r\n continued =C3=A9\r\n--b1\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b1--';
    expect(mailText(qp)).toBe('short code: *720#, class: internal, cause: app_timeout, a very long line continued é');
    const b64 = `Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from('cause: routing').toString('base64')}`;
    expect(mailText(b64)).toBe('cause: routing');
    expect(mailNotice({ from: 'a', to: ['b'], subject: '[ussdwatch T1] RESOLVED: WrongCodeSurge *710#', raw: b64, seenAt: 5 })).toMatchObject({ channel: 'email', status: 'resolved', tier: '1', alertname: 'WrongCodeSurge', shortCode: '*710#' });
    expect(mailNotice({ from: 'a', to: ['b'], subject: '[ussdwatch T1] FIRING: LogSourceMalformedLines (1 firing)', raw: b64, seenAt: 5 })).toMatchObject({ alertname: 'LogSourceMalformedLines', shortCode: '' });
  });

  it('finds who must be told from notifier.yaml and its on-call file, as the rotation says', async () => {
    const cfg = loadConfig(join(REPO_ROOT, 'notifier/config/notifier.yaml'), {});
    const who = recipientsFor(cfg, Date.parse('2026-11-02T10:00:00Z'));
    expect(who('3', 'offers')).toEqual({ sms: ['213770000902', '213770000903'], emails: ['noc-critical@djezzy.dz', 'ussd-platform-leads@djezzy.dz'] });
    expect(who('1', 'offers')).toMatchObject({ sms: [] });
    // Billing's week starts on Sunday 08:00 in Algiers: amina the first week, karim the next.
    expect(who('2', 'billing').sms).toEqual(['213770000101']);
    expect(recipientsFor(cfg, Date.parse('2026-11-08T07:30:00Z'))('2', 'billing').sms).toEqual(['213770000102']);
    expect(recipientsFor(cfg, Date.parse('2026-11-08T06:30:00Z'))('2', 'billing').sms).toEqual(['213770000101']);
    expect(who('2', 'no-such-team')).toEqual(who('2', cfg.criticalTeam));
    // Asked at a time of its own, whatever the set was made with: offers hands off every day
    // at 08:00 in Algiers, so an e2e that starts at 07:57 sees its pages go to the next person.
    const now = recipientsFor(cfg);
    expect(now('2', 'offers', Date.parse('2026-11-29T06:59:00Z')).sms).toEqual(['213770000202']);
    expect(now('2', 'offers', Date.parse('2026-11-29T07:01:00Z')).sms).toEqual(['213770000201']);
    expect(who('2', 'offers', Date.parse('2026-11-29T07:01:00Z')).sms).toEqual(['213770000201']);
  });
});

describe('the summary line', () => {
  it('has the exact shape CI reads, fails on duplicates and losses, reports missed timing targets', () => {
    const outcomes = [
      { name: 'a', tier: '3', passed: true, failures: [], detectionS: 50, leadS: 200 },
      { name: 'b', tier: '3', passed: true, failures: [], detectionS: 70, leadS: -3 },
      { name: 'c', tier: '1', passed: false, failures: ['x'] },
    ];
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(summaryLine(outcomes, { duplicateSms: 1, lostJournal: 0 })).toBe('e2e: scenarios=3 passed=2 detection_p50_s=60.0 detection_max_s=70.0 dpss_lead_min_s=-3.0 duplicate_sms=1 lost_journal=0 sms_per_incident_max=na ack_to_silence_s=na escalation_late_s=na');
    const oncall = [{ ...outcomes[0], ackToSilenceS: 2.5 }, { ...outcomes[1], escalationLateS: 1.25 }];
    expect(summaryLine(oncall, { duplicateSms: 0, lostJournal: 0, smsPerIncidentMax: 1 })).toMatch(/ sms_per_incident_max=1 ack_to_silence_s=2\.5 escalation_late_s=1\.3$/);
    const { failures, missed } = targetFailures(outcomes, { duplicateSms: 1, lostJournal: 2 });
    expect(missed.join('\n')).toMatch(/b: SMS came 3.0 s after the DPSS file/);
    expect(failures.join('\n')).toMatch(/1 duplicate SMS/);
    expect(failures.join('\n')).toMatch(/2 journal entries lost/);
    expect(targetFailures([outcomes[1], { ...outcomes[1], name: 'd', detectionS: 90 }], { duplicateSms: 0, lostJournal: 0 }).missed.join('\n')).toMatch(/p50 80.0 s is not within 60 s/);
    expect(targetFailures(outcomes.slice(0, 1), { duplicateSms: 0, lostJournal: 0 })).toEqual({ failures: [], missed: [] });
  });
});
