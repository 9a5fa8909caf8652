// Attack: a forged (or runaway) stream of tier 3 alerts. Before: 60 SMS in 4 s to the
// critical on-call. Now: at most `max_per_recipient_per_hour` SMS per number in any hour,
// the last being one summary; every alert still goes by mail; the cap survives a restart.
import { startKannel, startSmtp, waitFor, type KannelGateway, type SmtpSink } from '@ussdwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNotifier, type RunningNotifier } from '../../src/service.js';
import { journal, payload, postWebhook, testConfig, type TestConfig } from '../helpers.js';

const CAP = 4;
const CRITICAL = ['213770000902', '213770000903'];
let kannel: KannelGateway;
let smtp: SmtpSink;
let tc: TestConfig;
let notifier: RunningNotifier;

beforeAll(async () => {
  [kannel, smtp] = await Promise.all([startKannel(), startSmtp()]);
  tc = await testConfig({ sendsmsUrl: kannel.sendsmsUrl, smsUser: kannel.user, smsPassword: kannel.password, smtpPort: smtp.port, smsCap: CAP });
  notifier = await startNotifier(tc.cfg);
});

afterAll(async () => {
  await notifier?.stop();
  await Promise.all([kannel?.stop(), smtp?.stop()]);
  await tc?.cleanup();
});

const smsTo = (n: string) => kannel.received().filter((m) => m.to === n);
// A code each: forged alerts of one code would be one incident, told once.
const alert = (i: number) => payload({ alertname: `Forged${i}`, tier: '3', team: 'technical', short_code: `*9${i}#`, fingerprint: `forged${i}` });

it('sends at most the cap per number in an hour, the last one a summary; mail carries every alert; journaled', async () => {
  const answers = [];
  for (let i = 0; i < 10; i++) answers.push((await postWebhook(notifier.url, '3', alert(i))).json);
  for (const n of CRITICAL) await waitFor(() => smsTo(n).length >= CAP || false, { what: `${CAP} SMS to ${n}` });
  await waitFor(() => smtp.received().length >= 10 || false, { what: 'the 10 mails' });
  for (const n of CRITICAL) {
    const texts = smsTo(n).map((m) => m.text);
    expect(texts).toHaveLength(CAP);
    expect(texts.slice(0, CAP - 1).every((t) => t.startsWith('ALERTE T3'))).toBe(true);
    expect(texts[CAP - 1]).toMatch(new RegExp(`^ussdwatch: ${CAP} SMS/h limit reached; 1 more alert\\(s\\) held until \\d\\d:\\d\\d UTC, see mail/app$`));
  }
  expect(smtp.received().filter((m) => m.to.includes('noc-critical@djezzy.dz'))).toHaveLength(10);
  expect(answers.map((a) => a.held)).toEqual([0, 0, 0, 0, 2, 2, 2, 2, 2, 2]);
  const entries = await journal(notifier.url, '?tier=3&limit=5000');
  const held = entries.filter((e) => e.result === 'held');
  expect(held).toHaveLength(12);
  // Each says until when, as the summary SMS does: within the hour to come (the app shows it).
  const sentAt = Date.parse(String(held[0].ts));
  for (const e of held) expect(Date.parse(String(e.until)) - sentAt).toSatisfy((ms: number) => ms > 0 && ms <= 3_600_000);
  expect(entries.filter((e) => e.capSummary && e.result === 'sent')).toHaveLength(2);
  const metrics = await (await fetch(`${notifier.url}/metrics`)).text();
  expect(metrics).toMatch(/notifier_notifications_total\{channel="sms",result="held"\} 12/);
});

it('keeps holding after a restart: the count comes from the journal', async () => {
  await notifier.stop();
  notifier = await startNotifier(tc.cfg);
  const res = await postWebhook(notifier.url, '3', alert(99));
  expect(res.json).toMatchObject({ held: 2 });
  await waitFor(() => smtp.received().length >= 11 || false, { what: 'the mail of the 11th alert' });
  for (const n of CRITICAL) expect(smsTo(n)).toHaveLength(CAP);
});
