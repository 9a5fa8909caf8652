// The notifier with real parts: Kannel (bearerbox + smsbox + fakesmsc) and an SMTP server.
import { waitFor, type KannelGateway, type SmtpSink } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNotifier } from '../src/service.js';
import { mailText } from '../../e2e/messages.js';
import { journal, payload, postWebhook, startRealChain, TOKEN, type RealChain } from './helpers.js';

let chain: RealChain;
let kannel: KannelGateway;
let smtp: SmtpSink;
let notifier: RunningNotifier;

beforeAll(async () => {
  chain = await startRealChain();
  ({ kannel, smtp, notifier } = chain);
});

afterAll(() => chain?.stop());

const smsTo = (n: string) => kannel.received().filter((m) => m.to === n);
const mailTo = (a: string) => smtp.received().filter((m) => m.to.includes(a));

describe('delivery through Kannel and SMTP', () => {
  it('tier 2: SMS to the team on-call through Kannel and mail to the team, journaled masked', async () => {
    const res = await postWebhook(notifier.url, '2', payload({ team: 'billing', fingerprint: 'd1' }));
    expect(res).toMatchObject({ status: 200, json: { sent: 2, duplicates: 0 } });
    const sms = await waitFor(() => smsTo('213770000101')[0], { what: 'SMS at fakesmsc' });
    const [id] = res.json.incidents as number[];
    // French by default; the start time in Algiers (12:45 UTC is 13:45 there).
    expect(sms).toMatchObject({ from: 'Djezzy-NOC', type: 'text', text: `ALERTE T2 *710#: UssdAppTimeouts. Depuis 13:45. #${id} répondez ${id}a=je prends ${id}c=clore` });
    const mail = mailTo('noc-billing@djezzy.dz');
    expect(mail).toHaveLength(1);
    expect(mail[0].subject).toBe(`[ussdwatch T2] FIRING: UssdAppTimeouts *710# (1 firing) incident #${id}`);
    expect(mail[0].raw).toMatch(/Content-Type: text\/html/);
    const entries = await journal(notifier.url, `?short_code=${encodeURIComponent('*710#')}&tier=2`);
    const mine = entries.filter((e) => e.notification === res.json.notification || e.seq === res.json.notification);
    expect(mine.map((e) => `${e.kind}:${e.channel ?? ''}:${e.result ?? ''}`).sort()).toEqual(['attempt:email:sent', 'attempt:email:started', 'attempt:sms:sent', 'attempt:sms:started', 'received::']);
    const smsEntry = mine.find((e) => e.channel === 'sms' && e.result === 'sent')!;
    expect(smsEntry).toMatchObject({ recipient: '2137*****101', gatewayStatus: 202, gatewayAnswer: '0: Accepted for delivery', team: 'billing' });
    expect(JSON.stringify(entries)).not.toContain('213770000101');
    expect(smsEntry).not.toHaveProperty('recipientKey');
  });

  it('tier 3: SMS to every number of the critical list', async () => {
    const res = await postWebhook(notifier.url, '3', payload({ tier: '3', team: 'offers', short_code: '*720#', fingerprint: 'd3', summary: 'انقطاع خدمة الفورفيه' }));
    expect(res).toMatchObject({ status: 200, json: { sent: 3 } });
    for (const n of ['213770000902', '213770000903']) {
      const sms = await waitFor(() => smsTo(n)[0], { what: `SMS to ${n}` });
      expect(sms).toMatchObject({ type: 'text', text: expect.stringMatching(/^ALERTE T3 \*720#: UssdAppTimeouts\. Depuis 13:45\./) });
    }
    expect(mailTo('noc-critical@djezzy.dz')).toHaveLength(1);
    expect(smsTo('213770000201')).toHaveLength(0); // tier 3 is the critical list's, not the team's
  });

  it('a rule joining an open incident: the mail then names every alert of the incident with its class and cause', async () => {
    // One slow code raises two rules: its timeouts (tier 3, no cause label) then its latency (tier 2).
    const errors = payload({ alertname: 'ShortCodeInternalErrors', tier: '3', team: 'billing', short_code: '*740#', fingerprint: 'j1' });
    delete (errors.alerts[0].labels as Partial<Record<string, string>>).cause;
    const first = await postWebhook(notifier.url, '3', errors);
    const slow = payload({ alertname: 'ShortCodeSlow', tier: '2', team: 'billing', short_code: '*740#', fingerprint: 'j2' });
    slow.alerts[0].labels.cause = 'slow_response';
    const second = await postWebhook(notifier.url, '2', slow);
    expect(second.json.incidents).toEqual(first.json.incidents);
    const mail = await waitFor(() => mailTo('noc-billing@djezzy.dz').find((m) => m.subject.includes('*740#')), { what: "the owning team's mail" });
    const text = mailText(mail.raw);
    expect(text).toMatch(/^- ShortCodeInternalErrors, tier 3, class: internal, since .*, firing$/m);
    expect(text).toMatch(/^- ShortCodeSlow, tier 2, class: internal, cause: slow_response, since .*, firing$/m);
  });

  it('tier 1: mail only; an unknown team falls back to the critical team', async () => {
    const res = await postWebhook(notifier.url, '1', payload({ tier: '1', team: 'marketing', short_code: '*711#', fingerprint: 'd4' }));
    expect(res).toMatchObject({ status: 200, json: { sent: 1 } });
    expect(mailTo('noc-technical@djezzy.dz')).toHaveLength(1);
  });

  it('deduplicates: the same notification twice, and two copies at once (HA pair), send one SMS', async () => {
    const p = payload({ team: 'offers', short_code: '*720*1#', fingerprint: 'dup' });
    const first = await postWebhook(notifier.url, '2', p);
    const [a, b] = await Promise.all([postWebhook(notifier.url, '2', p), postWebhook(notifier.url, '2', p)]);
    expect(first.json).toMatchObject({ sent: 2, duplicates: 0 });
    expect([a.json.duplicates, b.json.duplicates]).toEqual([2, 2]);
    await waitFor(() => smsTo('213770000201').length >= 1, { what: 'SMS to offers on-call' });
    // The resolved notification of the same alert is a new state: it goes out.
    const resolved = await postWebhook(notifier.url, '2', payload({ team: 'offers', short_code: '*720*1#', fingerprint: 'dup', status: 'resolved' }));
    expect(resolved.json).toMatchObject({ sent: 2, duplicates: 0 });
    const texts = await waitFor(() => (smsTo('213770000201').length >= 2 ? smsTo('213770000201').map((m) => m.text) : false), { what: 'resolved SMS' });
    expect(texts).toEqual([expect.stringMatching(/^ALERTE T2 \*720\*1#/), expect.stringMatching(/^RESOLU T2 \*720\*1#: retour à la normale\./)]);
    expect(mailTo('noc-offers@djezzy.dz')).toHaveLength(2);
  });

  it('notifies a new firing episode of an alert that fired and resolved within the dedup window', async () => {
    const alert = { team: 'offers', short_code: '*730#', fingerprint: 'again' } as const;
    const second = payload({ ...alert, startsAt: '2026-11-21T13:05:02.123Z' });
    for (const p of [payload(alert), payload({ ...alert, status: 'resolved' }), second]) {
      expect((await postWebhook(notifier.url, '2', p)).json).toMatchObject({ sent: 2, duplicates: 0 });
    }
    // Alertmanager's retry of the second episode is still a duplicate.
    expect((await postWebhook(notifier.url, '2', second)).json).toMatchObject({ sent: 0, duplicates: 2 });
    const mine = () => smsTo('213770000201').map((m) => m.text).filter((t) => t.includes('*730#'));
    const texts = await waitFor(() => (mine().length >= 3 ? mine() : false), { what: 'three SMS for *730#' });
    expect(texts.map((t) => t.split(' ')[0]).sort()).toEqual(['ALERTE', 'ALERTE', 'RESOLU']);
  });

  it.each([
    ['malformed JSON', '{"version": "4", ', TOKEN, 400, 'bad_json', /not valid JSON/],
    ['an unknown payload version', JSON.stringify({ ...payload(), version: '3' }), TOKEN, 400, 'bad_version', /unsupported payload version "3"/],
    ['a missing label', JSON.stringify(payload({ team: '' })), TOKEN, 422, 'missing_label', /lacks required label\(s\) team/],
    ['an oversized body', JSON.stringify({ ...payload(), pad: 'x'.repeat(1_100_000) }), TOKEN, 413, 'too_large', /over the 1048576-byte limit/],
  ])('refuses %s from Alertmanager with a clear 4xx, journaled and counted', async (_what, body, token, status, reason, message) => {
    const res = await postWebhook(notifier.url, '2', body, token);
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ reason, error: expect.stringMatching(message) });
    const [latest] = await journal(notifier.url, '?limit=1');
    expect(latest).toMatchObject({ kind: 'rejected', httpStatus: status, reason });
    const metrics = await (await fetch(`${notifier.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`notifier_webhook_requests_total\\{result="${reason}"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`notifier_requests_refused_total\\{reason="${reason}"\\} [1-9]`));
    expect((await fetch(`${notifier.url}/healthz`)).status).toBe(200);
  });

  it('refuses a wrong token with 401, counted but not journaled: anyone can send those', async () => {
    const [before] = await journal(notifier.url, '?limit=1');
    const res = await postWebhook(notifier.url, '2', payload(), 'nope');
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ reason: 'unauthorized', error: expect.stringMatching(/bearer token/) });
    const [latest] = await journal(notifier.url, '?limit=1');
    expect(latest.seq).toBe(before.seq);
    const metrics = await (await fetch(`${notifier.url}/metrics`)).text();
    expect(metrics).toMatch(/notifier_webhook_requests_total\{result="unauthorized"\} [1-9]/);
    expect(metrics).toMatch(/notifier_requests_refused_total\{reason="unauthorized"\} [1-9]/);
  });

  it('serves the journal filtered by time, short code and tier, newest first', async () => {
    const all = await journal(notifier.url, '?limit=5000');
    const seqs = all.map((e) => e.seq as number);
    expect(seqs).toEqual([...seqs].sort((x, y) => y - x));
    const t3 = await journal(notifier.url, '?tier=3');
    expect(t3.length).toBeGreaterThan(0);
    expect(t3.every((e) => (e.tiers as string[]).includes('3'))).toBe(true);
    const future = await journal(notifier.url, `?from=${Math.floor(Date.now() / 1000) + 60}`);
    expect(future).toEqual([]);
    const iso = await journal(notifier.url, `?to=${encodeURIComponent(new Date().toISOString())}&short_code=${encodeURIComponent('*720#')}`);
    expect(iso.length).toBeGreaterThan(0);
    expect(iso.every((e) => (e.shortCodes as string[]).includes('*720#'))).toBe(true);
    const bad = await fetch(`${notifier.url}/api/journal?tier=7`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'tier=7: expected 1, 2 or 3' });
  });

  it('exposes journal write latency and notification counts', async () => {
    const metrics = await (await fetch(`${notifier.url}/metrics`)).text();
    expect(metrics).toMatch(/notifier_journal_write_seconds_count [1-9]/);
    expect(metrics).toMatch(/notifier_notifications_total\{channel="sms",result="duplicate"\} [1-9]/);
    expect(metrics).toMatch(/notifier_notifications_total\{channel="email",result="failed"\} 0/);
  });
});
