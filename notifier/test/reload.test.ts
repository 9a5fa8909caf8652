// Live reload (POST /-/reload) with real parts: Kannel (bearerbox + smsbox + fakesmsc) and
// an SMTP server. A reload applies the recipients and the SMS and mail settings to the very
// next notification; a file that changes what only a restart applies is refused, naming
// its line, and the running configuration goes on; /metrics says which happened.
import { readFile, writeFile } from 'node:fs/promises';
import { waitFor, type KannelGateway, type SmtpSink } from '@ussdwatch/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNotifier } from '../src/service.js';
import { metric, payload, postWebhook, startRealChain, TOKEN, type RealChain } from './helpers.js';

let chain: RealChain;
let kannel: KannelGateway;
let smtp: SmtpSink;
let notifier: RunningNotifier;
let original: string;

beforeAll(async () => {
  chain = await startRealChain();
  ({ kannel, smtp, notifier } = chain);
  original = await readFile(chain.config.file, 'utf8');
});

afterAll(() => chain?.stop());

// Every test starts from the file the notifier started with.
afterEach(async () => {
  await writeFile(chain.config.file, original);
  expect((await reload()).status).toBe(200);
});

const BILLING = 'billing: { emails: [noc-billing@djezzy.dz], oncall_sms: ["213770000101"] }';
const NEW_BILLING = 'billing: { emails: [noc-billing-2@djezzy.dz], oncall_sms: ["213770000111"] }';

const smsTo = (n: string) => kannel.received().filter((m) => m.to === n);
const mailTo = (a: string) => smtp.received().filter((m) => m.to.includes(a));
const reload = () => fetch(`${notifier.url}/-/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
const lastReloadOk = () => metric(notifier.url, 'ussdwatch_config_last_reload_successful');
const lastReloadAt = async () => (await metric(notifier.url, 'ussdwatch_config_last_reload_success_timestamp_seconds'))!;

/** One tier-2 page of the billing team, each on its own short code (one incident each). */
let pages = 0;
async function pageBilling(): Promise<void> {
  pages++;
  const r = await postWebhook(notifier.url, '2', payload({ team: 'billing', short_code: `*7${String(pages).padStart(2, '0')}#`, fingerprint: `reload-${pages}` }));
  expect(r).toMatchObject({ status: 200, json: { sent: 2 } });
}

describe('reload', () => {
  it('applies new recipients and SMS and mail settings to the next notification', async () => {
    expect(await lastReloadOk()).toBe(1);
    await pageBilling();
    await waitFor(() => smsTo('213770000101').length === 1 && mailTo('noc-billing@djezzy.dz').length === 1, { what: 'the first page, to the shipped recipients' });
    const startedAt = await lastReloadAt();

    await writeFile(
      chain.config.file,
      original.replace(BILLING, NEW_BILLING).replace('sender: Djezzy-NOC', 'sender: NOC-Billing').replace('from: ussdwatch <ussdwatch@djezzy.dz>', 'from: ussdwatch-billing <noc@djezzy.dz>'),
    );
    const res = await reload();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'reloaded' });
    expect(await lastReloadOk()).toBe(1);
    expect(await lastReloadAt()).toBeGreaterThanOrEqual(startedAt);

    await pageBilling();
    const sms = await waitFor(() => smsTo('213770000111')[0], { what: 'the SMS to the new on-call number' });
    expect(sms.from).toBe('NOC-Billing');
    const [mail] = await waitFor(() => mailTo('noc-billing-2@djezzy.dz').length === 1 && mailTo('noc-billing-2@djezzy.dz'), { what: 'the mail to the new address' });
    expect(mail.from).toBe('noc@djezzy.dz');
    // The previous recipients got the first page only.
    expect(smsTo('213770000101')).toHaveLength(1);
    expect(mailTo('noc-billing@djezzy.dz')).toHaveLength(1);
  });

  /** The line of the first line of `text` starting with `start`. */
  const lineOf = (text: string, start: string) => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;

  it.each([
    ['listen', (t: string) => t.replace('port: 0 }', 'port: 19999 }'), 'listen', /listen: cannot change while the notifier runs \(it runs with "127\.0\.0\.1:0"\); put that value back to reload the rest, or restart the notifier to apply it$/],
    ['dedup.window_minutes', (t: string) => `${t}dedup: { window_minutes: 5 }\n`, 'dedup:', /dedup\.window_minutes: cannot change while the notifier runs \(it runs with 20\)/],
    ['journal.dir', (t: string) => t.replace(/^journal: \{ dir: (.*) \}$/m, 'journal: { dir: $1-elsewhere }'), 'journal:', /journal\.dir: cannot change while the notifier runs \(it runs with ".*\/journal"\)/],
    ['auth', (t: string) => t.replace(`token: ${TOKEN}`, 'token: another-token-0123456789'), 'auth:', /auth: cannot change while the notifier runs \(it runs with the previous value, not shown\); .* restart the notifier to apply it$/],
  ])('refuses a change of %s (restart only) with file:line, applies nothing of the file and keeps going', async (_key, change, start, message) => {
    const text = change(original.replace(BILLING, NEW_BILLING));
    await writeFile(chain.config.file, text);
    const res = await reload();
    // Prometheus's answer to a refused reload.
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: string; reason: string };
    expect(body.reason).toBe('config_refused');
    expect(body.error.startsWith(`${chain.config.file}:${lineOf(text, start)}: `)).toBe(true);
    expect(body.error).toMatch(message);
    expect(body.error).not.toContain(TOKEN);
    expect(body.error).not.toContain('another-token');
    expect(await lastReloadOk()).toBe(0);

    // The recipients of the refused file were not taken either.
    const [sms, mail, refused] = [smsTo('213770000101').length, mailTo('noc-billing@djezzy.dz').length, mailTo('noc-billing-2@djezzy.dz').length];
    await pageBilling();
    await waitFor(() => smsTo('213770000101').length === sms + 1 && mailTo('noc-billing@djezzy.dz').length === mail + 1, { what: 'the page to the running recipients' });
    expect(mailTo('noc-billing-2@djezzy.dz')).toHaveLength(refused);
  });

  it('refuses a file that does not validate, with its line, and says so on /metrics until a good one loads', async () => {
    await writeFile(chain.config.file, original.replace(BILLING, 'billing: { emails: [noc-billing@djezzy.dz], oncall_sms: ["12"] }'));
    const res = await reload();
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`notifier\\.yaml:${lineOf(original, '  billing:')}: teams\\.billing\\.oncall_sms\\[0\\]: "12" is not an international number`));
    expect(await lastReloadOk()).toBe(0);
    await writeFile(chain.config.file, original);
    expect((await reload()).status).toBe(200);
    expect(await lastReloadOk()).toBe(1);
  });

  // Last: it leaves the billing on-call paged (the pipeline of this test never sends a heartbeat).
  it('applies a watchdog section, refusing a team it does not know with its line; the next tick past its timeout pages that team', async () => {
    await writeFile(chain.config.file, `${original}watchdog: { timeout: 10s, team: nobody }\n`);
    const refused = await reload();
    expect(refused.status).toBe(500);
    expect(((await refused.json()) as { error: string }).error).toMatch(/notifier\.yaml:\d+: watchdog\.team: team "nobody" is not under teams/);
    const sms = smsTo('213770000101').length;
    await notifier.oncall.tick(Date.now() + 3_600_000);
    expect(smsTo('213770000101')).toHaveLength(sms);

    await writeFile(chain.config.file, `${original}watchdog: { timeout: 10s, team: billing }\n`);
    expect((await reload()).status).toBe(200);
    await notifier.oncall.tick(Date.now() + 11_000);
    await waitFor(() => smsTo('213770000101').length === sms + 1 && smsTo('213770000101').at(-1)!.text.startsWith('ussdwatch: aucun signal de Prometheus/Alertmanager'), { what: 'the silent page to billing' });
    expect(await metric(notifier.url, 'notifier_watchdog_silent')).toBe(1);
  });
});
