// The on-call loop with real parts: Alertmanager (routes as shipped, timers shortened) ->
// notifier -> Kannel (bearerbox + smsbox + fakesmsc) and SMTP; replies typed on a phone
// come back through fakesmsc and Kannel's MO sms-service; delivery reports through
// Kannel's dlr-url. Chains are seconds long so escalation is seen within the test.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, startAlertmanager, startKannel, startSmtp, waitFor, type KannelGateway, type PostableAlert, type RunningAlertmanager, type SmtpSink } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailText } from '../../e2e/messages.js';
import { keyedHash } from '../src/keyed-hash.js';
import { startNotifier, type RunningNotifier } from '../src/service.js';
import { journal, payload, postWebhook, REPO, testConfig, TOKEN, type TestConfig } from './helpers.js';

const AM_DIR = join(REPO, 'alertmanager');
const CALLBACK_TOKEN = 'kannel-callback-test-token';

// Business hours on one day three days away: whenever the suite runs, it is outside them.
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const TODAY = new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone: 'Africa/Algiers' }).format(new Date()).toLowerCase();
const OPEN_DAY = DAYS[(DAYS.indexOf(TODAY) + 3) % 7];

const ONCALL = `
timezone: Africa/Algiers
business_hours: { days: [${OPEN_DAY}], start: "08:00", end: "18:00", release_early: { alerts: 2, firing_for: 10m } }
people:
  ana: { sms: "213770000101", email: ana@djezzy.dz, language: fr }
  ben: { sms: "213770000102", email: ben@djezzy.dz, language: en }
  lea: { sms: "213770000103", language: fr }
  gone: { sms: "213770999001", email: gone@djezzy.dz, language: fr }
  crit1: { sms: "213770000902", language: fr }
  crit2: { sms: "213770000903", language: en }
rotations:
  billing-day: { every: day, start: 2026-11-01, people: [ana] }
teams:
  billing:
    tier2:
      - notify: [billing-day]
      - { after: 3s, notify: [ben] }
  offers:
    tier2:
      - notify: [gone]
      - { after: 1h, notify: [lea] }
  technical:
    tier3:
      - notify: [crit1, crit2]
      - { after: 4s, notify: [lea] }
`;

let kannel: KannelGateway;
let smtp: SmtpSink;
let am: RunningAlertmanager;
let tc: TestConfig;
let notifier: RunningNotifier;

const start = () => startNotifier(tc.cfg, { tickMs: 200 });

beforeAll(async () => {
  const port = await freePort();
  const self = `http://127.0.0.1:${port}`;
  [kannel, smtp] = await Promise.all([
    startKannel({ moUrl: `${self}/api/sms/mo?token=${CALLBACK_TOKEN}`, undeliverablePrefix: '21377099' }),
    startSmtp(),
  ]);
  const config = readFileSync(join(AM_DIR, 'alertmanager.yml'), 'utf8')
    .replaceAll('http://127.0.0.1:9717', self)
    .replace(/group_wait: \S+/g, 'group_wait: 500ms')
    .replace(/group_interval: \S+/g, 'group_interval: 1s');
  am = await startAlertmanager({ config: config.replaceAll('credentials_file: secrets/notifier.token', `credentials: ${TOKEN}`), baseDir: AM_DIR });
  tc = await testConfig({
    sendsmsUrl: kannel.sendsmsUrl, smsUser: kannel.user, smsPassword: kannel.password, smtpPort: smtp.port, port,
    oncall: ONCALL, callback: { url: self, token: CALLBACK_TOKEN }, alertmanagerUrl: am.url,
  });
  notifier = await start();
});

afterAll(async () => {
  await notifier?.stop();
  await Promise.all([kannel?.stop(), smtp?.stop(), am?.stop()]);
  await tc?.cleanup();
});

const smsTo = (n: string) => kannel.received().filter((m) => m.to === n).map((m) => m.text);
const mailTo = (a: string) => smtp.received().filter((m) => m.to.includes(a));

interface ApiIncident {
  id: number; key: string; short_code: string | null; tier: number; state: string; acknowledged_by: string | null; resolved_at: string | null; started_at: string;
  alerts: { alertname: string }[]; notified: { recipient: string; channel: string; result: string; step: number | null; until?: string; reason?: string }[]; escalations: { step: number; to: string }[];
  silence: { id: string } | null;
}

async function incidents(): Promise<ApiIncident[]> {
  return ((await (await fetch(`${notifier.url}/api/incidents`)).json()) as { incidents: ApiIncident[] }).incidents;
}

const incidentOf = async (code: string) => (await incidents()).find((i) => i.short_code === code);

const alert = (labels: Record<string, string>, endsAt?: string): PostableAlert => ({
  labels: { severity: 'critical', team: 'billing', ...labels },
  annotations: { summary: `${labels.alertname} on ${labels.short_code}` },
  startsAt: new Date(Date.now() - 60_000).toISOString(),
  ...(endsAt ? { endsAt } : {}),
});

async function silencesFor(code: string): Promise<{ id: string; status: { state: string } }[]> {
  const all = (await (await fetch(`${am.url}/api/v2/silences`)).json()) as { id: string; status: { state: string }; matchers: { name: string; value: string }[] }[];
  return all.filter((s) => s.matchers.some((m) => m.name === 'short_code' && m.value === code));
}

describe('incidents', () => {
  it('tells each person once of two alerts of one fault, and shows the incident with both', async () => {
    const both = payload(
      { tier: '3', short_code: '*720#', alertname: 'ShortCodeAppTimeouts', fingerprint: 'one-a' },
      [{ tier: '3', short_code: '*720#', alertname: 'ShortCodeInternalErrors', fingerprint: 'one-b' }],
    );
    // Alertmanager groups by alertname: the two rules come as two notifications.
    const first = { ...both, alerts: [both.alerts[0]] };
    const second = { ...both, alerts: [both.alerts[1]] };
    expect((await postWebhook(notifier.url, '3', first)).json).toMatchObject({ sent: 3 });
    expect((await postWebhook(notifier.url, '3', second)).json).toMatchObject({ sent: 0, duplicates: 3 });
    await waitFor(() => smsTo('213770000902').length && smsTo('213770000903').length, { what: 'the page to both critical numbers' });
    // In each person's language, in the words of the rule that paged (the other joined after).
    expect(smsTo('213770000902')).toEqual([expect.stringMatching(/^ALERTE T3 \*720#: l'appli ne répond pas\. Depuis /)]);
    expect(smsTo('213770000903')).toEqual([expect.stringMatching(/^ALERT T3 \*720#: application timeouts\. Since /)]);
    const inc = (await incidentOf('*720#'))!;
    expect(inc).toMatchObject({ key: 'short_code=*720#', tier: 3, state: 'open', node: null, source: null, acknowledged_by: null });
    expect(inc.alerts.map((a) => a.alertname)).toEqual(['ShortCodeAppTimeouts', 'ShortCodeInternalErrors']);
    // Sent, then (for SMS) accepted and delivered as Kannel's receipts come in.
    const fine = (r: string) => (['sent', 'accepted', 'delivered'].includes(r) ? 'ok' : r);
    expect(inc.notified.map((n) => `${n.channel} ${n.recipient} ${fine(n.result)} ${n.step}`).sort()).toEqual([
      'mail n**********l@djezzy.dz ok 0', 'sms 2137*****902 ok 0', 'sms 2137*****903 ok 0',
    ]);
    expect(JSON.stringify(inc)).not.toMatch(/213770000902|recipientKey/);
    const metrics = await (await fetch(`${notifier.url}/metrics`)).text();
    expect(metrics).toMatch(/notifier_incidents_open\{short_code="\*720#",state="open"\} 1/);
    // Its end reaches everyone paged once, with how long it lasted.
    const resolved = payload({ tier: '3', short_code: '*720#', alertname: 'ShortCodeAppTimeouts', fingerprint: 'one-a', status: 'resolved' }, [
      { tier: '3', short_code: '*720#', alertname: 'ShortCodeInternalErrors', fingerprint: 'one-b', status: 'resolved' },
    ]);
    expect((await postWebhook(notifier.url, '3', resolved)).json).toMatchObject({ sent: 3 });
    await waitFor(() => smsTo('213770000902').length === 2, { what: 'RESOLU' });
    expect(smsTo('213770000902')[1]).toMatch(/^RESOLU T3 \*720#: retour à la normale\. #\d+ a duré (\d+ min|\d+ h \d\d) \(depuis \d\d:\d\d\)$/);
  });
});

describe('acknowledgement by SMS reply through Kannel', () => {
  it('refuses a reply from a number not in the on-call file, acknowledges from one that is, silences, tells the chain, and still tells the end', async () => {
    await am.postAlerts([alert({ alertname: 'ShortCodeRoutingBroken', tier: '3', short_code: '*730#', team: 'data' })]);
    const page = await waitFor(() => smsTo('213770000902').find((t) => t.includes('*730#')), { timeoutMs: 15_000, what: 'the page for *730#' });
    const id = Number(/#(\d+)/.exec(page)![1]);

    await kannel.sendMo('213770555555', `${id}a`);
    await waitFor(async () => /notifier_sms_replies_total\{outcome="refused"\} [1-9]/.test(await (await fetch(`${notifier.url}/metrics`)).text()), { timeoutMs: 20_000, what: 'the stranger refused' }).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${JSON.stringify((await journal(notifier.url, '?limit=50')).filter((x) => x.kind === 'reply'))}\n${kannel.logs()}`);
    });
    expect((await incidentOf('*730#'))!.state).toBe('open');
    expect(smsTo('213770555555')).toEqual([]);

    const sentAt = Date.now();
    await kannel.sendMo('213770000902', `${id}a`);
    const confirmation = await waitFor(() => smsTo('213770000902').find((t) => t.startsWith('OK,')), { timeoutMs: 15_000, what: 'the confirmation SMS' });
    expect(confirmation).toBe(`OK, #${id} *730# est pour vous; ses alertes sont en silence. Répondez ${id}c pour clore.`);
    const [silence] = await waitFor(async () => {
      const s = (await silencesFor('*730#')).filter((x) => x.status.state === 'active');
      return s.length ? s : false;
    }, { timeoutMs: 20_000, what: 'the silence in Alertmanager' });
    expect(Date.now() - sentAt).toBeLessThan(20_000);
    const acked = (await incidentOf('*730#'))!;
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledged_by: '2137*****902', silence: { id: silence.id } });
    // The other critical number is told, in English; nobody is escalated to (lea, after 4 s).
    await waitFor(() => smsTo('213770000903').some((t) => t.startsWith(`#${id} *730# acknowledged by crit1`)), { timeoutMs: 20_000, what: 'the chain told of the acknowledgement' });
    await new Promise((r) => setTimeout(r, 5000)); // the escalation delay passes: nothing must come
    expect(smsTo('213770000103').filter((t) => t.includes(`#${id}`))).toEqual([]);

    // A second reply is answered, not acted on twice.
    await kannel.sendMo('213770000903', `${id}a`);
    await waitFor(() => smsTo('213770000903').some((t) => t.includes('already acknowledged by 2137*****902')), { timeoutMs: 20_000, what: 'the "already" answer' });

    // The alert ends under the silence: Alertmanager sends nothing (#226), the notifier sees it and tells everyone paged.
    await am.postAlerts([alert({ alertname: 'ShortCodeRoutingBroken', tier: '3', short_code: '*730#', team: 'data' }, new Date().toISOString())]);
    await waitFor(() => smsTo('213770000902').some((t) => t.startsWith('RESOLU T3 *730#')) && smsTo('213770000903').some((t) => t.startsWith('RESOLVED T3 *730#')), { timeoutMs: 30_000, what: 'the end told to both' });
    await waitFor(async () => (await silencesFor('*730#')).every((s) => s.status.state === 'expired'), { timeoutMs: 20_000, what: 'the silence removed' });
    expect((await incidentOf('*730#'))!).toMatchObject({ state: 'resolved', silence: null });
  }, 120_000);

  it('acknowledges from the app (act role) and from the mail\'s signed link, which expires', async () => {
    await am.postAlerts([alert({ alertname: 'ShortCodeAppTimeouts', tier: '3', short_code: '*100#', team: 'care' })]);
    const inc = await waitFor(() => incidentOf('*100#'), { timeoutMs: 15_000, what: 'the *100# incident' });
    const mail = await waitFor(() => mailTo('noc-critical@djezzy.dz').find((m) => m.subject.includes(`incident #${inc.id}`)), { what: 'the mail with the link' });
    const link = /(http:\/\/127\.0\.0\.1:\d+\/ack\/\d+\?exp=\d+&sig=[0-9a-f]+)/.exec(mailText(mail.raw))![1];
    // One hex digit of the signature changed (to another digit: a signature starting with 0 stays forged).
    const forged = link.replace(/sig=(\w)/, (_m, c: string) => `sig=${c === '0' ? '1' : '0'}`);
    expect((await fetch(forged)).status).toBe(403);
    expect(await (await fetch(link)).text()).toMatch(/<form method="post"/); // opening the link acknowledges nothing
    expect((await incidentOf('*100#'))!.state).toBe('open');
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    expect((await incidentOf('*100#'))!).toMatchObject({ state: 'acknowledged', acknowledged_by: 'mail link' });

    // The app: read is open on loopback, acknowledging needs the act token.
    const url = `${notifier.url}/api/incidents/${inc.id}/ack`;
    expect((await fetch(url, { method: 'POST' })).status).toBe(401);
    const again = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(again.status).toBe(409);
    const closed = await fetch(`${url}?close=true`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await closed.json()).toMatchObject({ result: 'close', incident: { state: 'resolved', closed: true } });
  });
});

describe('acknowledgement from the Grafana app', () => {
  const ack = async (code: string, headers: Record<string, string>) => {
    const [id] = (await postWebhook(notifier.url, '3', payload({ tier: '3', short_code: code, fingerprint: `app-${code}` }))).json.incidents as number[];
    const res = await fetch(`${notifier.url}/api/incidents/${id}/ack`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, ...headers } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { incident: ApiIncident }).incident.acknowledged_by;
  };

  it('records the Grafana user the proxy names (X-Grafana-User), shown safely, else the token that acted', async () => {
    expect(await ack('*901#', { 'x-grafana-user': 'amina.b' })).toBe('amina.b');
    expect((await incidentOf('*901#'))!.acknowledged_by).toBe('amina.b');
    // A login that is a number or an address is personal data: masked as everywhere.
    expect(await ack('*902#', { 'x-grafana-user': '213770123456' })).toBe('2137*****456');
    expect(await ack('*903#', { 'x-grafana-user': 'karim.m@djezzy.dz' })).toBe('k*****m@djezzy.dz');
    // No control characters (a forged header cannot rewrite the page or a log line), and a readable length.
    expect(await ack('*904#', { 'x-grafana-user': `bob\tsmith${'x'.repeat(200)}` })).toBe(`bobsmith${'x'.repeat(56)}`);
    // Without the header (Grafana's send_user_header off, or another client): the token's name.
    expect(await ack('*905#', {})).toBe('app (alertmanager)');
    expect(await ack('*906#', { 'x-grafana-user': ' \t ' })).toBe('app (alertmanager)');
  });
});

describe('escalation', () => {
  it('pages the next step when nobody acknowledges in time, across a restart of the notifier', async () => {
    const res = await postWebhook(notifier.url, '2', payload({ team: 'billing', short_code: '*711#', fingerprint: 'esc' }));
    const [id] = res.json.incidents as number[];
    await waitFor(() => smsTo('213770000101').some((t) => t.includes(`#${id}`)), { what: 'the first page to ana' });
    // The timer lives in the journal, not in the process.
    await notifier.stop();
    notifier = await start();
    const escalated = await waitFor(() => smsTo('213770000102').find((t) => t.includes(`#${id}`)), { timeoutMs: 15_000, what: 'the escalation to ben' });
    expect(escalated).toMatch(/^ALERT T2 \*711#: UssdAppTimeouts\. Since \d\d:\d\d\. #\d+ reply \d+a=ack \d+c=close$/);
    const inc = (await incidentOf('*711#'))!;
    expect(inc.escalations).toEqual([expect.objectContaining({ step: 1, to: '2137*****102' })]);
    expect(smsTo('213770000102').filter((t) => t.includes(`#${id}`))).toHaveLength(1);
  });

  it("takes a handset's 'undelivered' report (type 2) as Kannel sends it: journaled, and the person's mail now", async () => {
    const res = await postWebhook(notifier.url, '2', payload({ team: 'billing', short_code: '*713#', fingerprint: 'unreach' }));
    const [id] = res.json.incidents as number[];
    await waitFor(() => smsTo('213770000101').some((t) => t.includes(`#${id}`)), { what: 'the page to ana' });
    // fakesmsc only ever delivers: the SMSC's "undelivered to the handset" comes here as Kannel would send it.
    const to = keyedHash(tc.cfg.token, 'sms|213770000101');
    const dlr = await fetch(`${notifier.url}/api/sms/dlr?token=${CALLBACK_TOKEN}&incident=${id}&phase=t2&to=${to}&type=2`);
    expect(dlr.status).toBe(200);
    await waitFor(() => mailTo('ana@djezzy.dz').some((m) => m.subject.includes(`incident #${id}`)), { what: 'the mail to ana' });
    expect(mailText(mailTo('ana@djezzy.dz').find((m) => m.subject.includes(`incident #${id}`))!.raw)).toMatch(/SMS not delivered/);
    const entries = await journal(notifier.url, '?limit=500');
    expect(entries.some((e) => e.kind === 'delivery' && e.incidentId === id && e.result === 'undelivered' && e.recipient === '2137*****101')).toBe(true);
  });

  it('falls back to the next step and to mail when the SMS cannot be delivered, with the receipts journaled', async () => {
    const res = await postWebhook(notifier.url, '2', payload({ team: 'offers', short_code: '*720*1#', fingerprint: 'gone' }));
    const [id] = res.json.incidents as number[];
    // The chain's next step is an hour away, but the first SMS failed: lea now, and the mail to gone.
    await waitFor(() => smsTo('213770000103').some((t) => t.includes(`#${id}`)), { timeoutMs: 15_000, what: 'the fallback to lea' });
    await waitFor(() => mailTo('gone@djezzy.dz').length > 0, { what: 'the mail to the unreachable person' });
    const entries = await journal(notifier.url, '?limit=500');
    expect(entries.some((e) => e.kind === 'delivery' && e.incidentId === id && e.result === 'failed' && e.recipient === '2137*****001')).toBe(true);
    // A delivered SMS has its receipts too: accepted by the SMSC, then delivered to the handset.
    const delivered = entries.filter((e) => e.kind === 'delivery' && e.incidentId === id && e.recipient === '2137*****103').map((e) => e.result);
    await waitFor(async () => (await journal(notifier.url, '?limit=500')).some((e) => e.kind === 'delivery' && e.incidentId === id && e.result === 'delivered'), { what: 'the delivered receipt' });
    expect(['accepted', 'delivered', undefined]).toContain(delivered[0]);
    const inc = (await incidentOf('*720*1#'))!;
    expect(inc.notified.find((n) => n.recipient === '2137*****001')).toMatchObject({ channel: 'sms', result: 'failed' });
    await waitFor(async () => (await incidentOf('*720*1#'))!.notified.some((n) => n.recipient === '2137*****103' && n.result === 'delivered'), { what: 'lea\'s SMS shown delivered' });
  });
});

describe('tier-1 mail outside business hours', () => {
  const teamMail = (id: number) => mailTo('noc-billing@djezzy.dz').filter((m) => m.subject.includes(`incident #${id}`));
  const changes = async (id: number) => (await journal(notifier.url, '?limit=500')).filter((e) => e.kind === 'incident' && (e.incident as { id: number }).id === id).map((e) => e.change);
  const heldIncident = (code: string) => waitFor(async () => {
    const inc = await incidentOf(code);
    return inc?.notified.some((n) => n.channel === 'mail' && n.result === 'held') && inc;
  }, { timeoutMs: 15_000, what: `the held mail of ${code}` });

  it('reaches the notifier through Alertmanager at any hour, is shown held until the opening, and goes then, across a restart', async () => {
    await am.postAlerts([alert({ alertname: 'WrongCodeSurge', tier: '1', short_code: '*801#' })]);
    const inc = await heldIncident('*801#');
    const held = inc.notified.find((n) => n.result === 'held')!;
    // The opening: 08:00 Algiers (UTC+1) on the open day, the first one ahead.
    const until = Date.parse(held.until!);
    expect(held).toMatchObject({ channel: 'mail', recipient: 'n*********g@djezzy.dz', reason: 'business hours', step: 0 });
    expect(new Date(until).toISOString().slice(11, 16)).toBe('07:00');
    expect(until - Date.now()).toBeGreaterThan(0);
    expect(until - Date.now()).toBeLessThan(7 * 86_400_000);
    const attempt = (await journal(notifier.url, '?limit=500')).find((e) => e.kind === 'attempt' && e.incidentId === inc.id && e.result === 'held')!;
    expect(attempt.message).toMatch(/^outside business hours \(.*oncall\.yaml\): held until .*, sooner if the fault grows$/);
    // A minute on, the fault still young: nothing goes.
    await notifier.oncall.tick(Date.now() + 60_000);
    expect(teamMail(inc.id)).toEqual([]);

    // The release time lives in the journal: a restart keeps it.
    await notifier.stop();
    notifier = await start();
    await notifier.oncall.tick(until);
    await waitFor(() => teamMail(inc.id).length === 1, { what: 'the held mail at the opening' });
    const after = (await incidentOf('*801#'))!;
    expect(after.notified.filter((n) => n.channel === 'mail').map((n) => n.result)).toEqual(['released', 'sent']);
    expect(await changes(inc.id)).toContain('held tier-1 mail released: business hours');
    await notifier.oncall.tick(until + 60_000);
    expect(teamMail(inc.id)).toHaveLength(1);
  });

  it('goes at once when the fault grows: a second alert joins, or it keeps firing', async () => {
    await postWebhook(notifier.url, '1', payload({ tier: '1', short_code: '*802#', alertname: 'WrongCodeSurge', fingerprint: 'grow-a', startsAt: new Date().toISOString() }));
    const inc = await heldIncident('*802#');
    await postWebhook(notifier.url, '1', payload({ tier: '1', short_code: '*802#', alertname: 'ShortCodeUserErrors', fingerprint: 'grow-b' }));
    await waitFor(() => teamMail(inc.id).length === 1, { what: 'the mail once two alerts fire' });
    await waitFor(async () => (await changes(inc.id)).includes('held tier-1 mail released: 2 alerts firing (release_early.alerts: 2)'), { what: 'the held mail marked released' });
    expect(teamMail(inc.id)).toHaveLength(1);

    await postWebhook(notifier.url, '1', payload({ tier: '1', short_code: '*803#', alertname: 'WrongCodeSurge', fingerprint: 'long-a', startsAt: new Date().toISOString() }));
    const long = await heldIncident('*803#');
    await notifier.oncall.tick(Date.parse(long.started_at) + 10 * 60_000);
    await waitFor(() => teamMail(long.id).length === 1, { what: 'the mail of a fault firing for 10 min' });
    expect(await changes(long.id)).toContain('held tier-1 mail released: still firing after 10 min (release_early.firing_for)');
  });

  it("holds nothing more and sends nothing on Alertmanager's repeat of a held alert", async () => {
    const p = payload({ tier: '1', short_code: '*806#', alertname: 'WrongCodeSurge', fingerprint: 'repeat-a', startsAt: new Date().toISOString() });
    await postWebhook(notifier.url, '1', p);
    const inc = await heldIncident('*806#');
    const again = await postWebhook(notifier.url, '1', p);
    expect(again.json).toMatchObject({ sent: 0, held: 0 });
    expect((await incidentOf('*806#'))!.notified.filter((n) => n.channel === 'mail').map((n) => n.result)).toEqual(['held']);
    expect(teamMail(inc.id)).toEqual([]);
  });

  it('goes with the page when the incident reaches tier 2, and is not sent when it resolved meanwhile', async () => {
    await postWebhook(notifier.url, '1', payload({ tier: '1', short_code: '*804#', alertname: 'WrongCodeSurge', fingerprint: 'rise-a', startsAt: new Date().toISOString() }));
    const inc = await heldIncident('*804#');
    await postWebhook(notifier.url, '2', payload({ tier: '2', short_code: '*804#', alertname: 'ShortCodeSlow', fingerprint: 'rise-b' }));
    await waitFor(async () => (await changes(inc.id)).includes('held tier-1 mail released: the incident reached tier 2'), { what: 'the release on tier 2' });
    // The tier-2 page's mail told the team: one mail, not two.
    expect(teamMail(inc.id).map((m) => m.subject)).toEqual([expect.stringMatching(/^\[ussdwatch T2\] FIRING: ShortCodeSlow \*804#/)]);

    await postWebhook(notifier.url, '1', payload({ tier: '1', short_code: '*805#', alertname: 'WrongCodeSurge', fingerprint: 'gone-a', startsAt: new Date().toISOString() }));
    const gone = await heldIncident('*805#');
    await postWebhook(notifier.url, '1', payload({ tier: '1', short_code: '*805#', alertname: 'WrongCodeSurge', fingerprint: 'gone-a', status: 'resolved' }));
    await waitFor(async () => (await incidentOf('*805#'))!.notified.some((n) => n.result === 'cancelled'), { what: 'the held mail cancelled' });
    expect((await changes(gone.id)).some((c) => /^held tier-1 mail not sent: the incident resolved at \S+ before business hours$/.test(String(c)))).toBe(true);
    await notifier.oncall.tick(Date.now() + 7 * 86_400_000);
    expect(teamMail(gone.id)).toEqual([]);
  });
});

describe('reload', () => {
  it('takes a new on-call file on POST /-/reload, refuses a bad one with file:line and keeps the old', async () => {
    const file = join(tc.dir, 'oncall.yaml');
    await writeFile(file, ONCALL.replace('notify: [ben]', 'notify: [nobody]'));
    const bad = await fetch(`${notifier.url}/-/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bad.status).toBe(500);
    expect((await bad.json()).error).toMatch(/oncall\.yaml:\d+: teams\.billing\.tier2\[1\]\.notify\[0\]: "nobody" is not a person or rotation defined in this file/);
    expect(tc.cfg.oncall!.people.has('lea')).toBe(true);
    await writeFile(file, ONCALL.replace('lea: { sms: "213770000103", language: fr }', 'lea: { sms: "213770000104", language: en }'));
    const good = await fetch(`${notifier.url}/-/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(good.status).toBe(200);
    expect(tc.cfg.oncall!.people.get('lea')).toMatchObject({ sms: '213770000104', language: 'en' });
    expect((await fetch(`${notifier.url}/-/reload`, { method: 'POST' })).status).toBe(401);
  });
});
