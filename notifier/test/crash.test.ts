// SIGKILL mid-delivery: the notifier runs as its own process (the real main.ts), is
// killed after Kannel accepted an SMS but before the answer reached the notifier (a proxy
// in front of the real Kannel holds it), and restarted on the same journal.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort, startKannel, startProcess, startSmtp, waitFor, type KannelGateway, type RunningProcess, type SmtpSink } from '@ussdwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { journal, payload, postWebhook, testConfig, type TestConfig } from './helpers.js';

const MAIN = join(import.meta.dirname, '../src/main.ts');

let gateway: Server;
let hold = false;
const held: ServerResponse[] = [];
const smsRequests: string[] = [];
let smtp: SmtpSink;
let kannel: KannelGateway;
let tc: TestConfig;
let proc: RunningProcess | undefined;

function startMain(): Promise<RunningProcess> {
  // `source`: workspace packages (common) from their TypeScript, built or not.
  return startProcess(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, '--config', tc.file], {
    name: 'notifier', readyUrl: `http://127.0.0.1:${tc.cfg.listen.port}/ready`, env: { ...process.env, NOTIFIER_TOKEN: '' },
  });
}

beforeAll(async () => {
  [kannel, smtp] = await Promise.all([startKannel(), startSmtp()]);
  gateway = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    smsRequests.push(url.searchParams.get('text') ?? '');
    void fetch(`${kannel.sendsmsUrl}${url.search}`).then(async (answer) => {
      const text = await answer.text();
      if (hold) held.push(res);
      else res.writeHead(answer.status).end(text);
    }, (err: Error) => res.writeHead(502).end(err.message));
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
  tc = await testConfig({
    sendsmsUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/cgi-bin/sendsms`, smsUser: kannel.user, smsPassword: kannel.password, smtpPort: smtp.port, port: await freePort(),
  });
});

afterAll(async () => {
  await proc?.stop();
  for (const r of held) r.destroy();
  gateway?.close();
  await Promise.all([smtp?.stop(), kannel?.stop()]);
  await tc?.cleanup();
});

it('loses no journal entry when killed with SIGKILL mid-delivery, and sends no SMS twice', async () => {
  proc = await startMain();
  const url = `http://127.0.0.1:${tc.cfg.listen.port}`;
  // One short code each: alerts of one code are one incident, told once.
  for (const [i, fp] of ['k1', 'k2', 'k3'].entries()) expect((await postWebhook(url, '2', payload({ fingerprint: fp, short_code: `*71${i}#` }))).status).toBe(200);
  const before = await journal(url, '?limit=5000');
  expect(before.filter((e) => e.kind === 'received')).toHaveLength(3);

  hold = true;
  const stuck = payload({ fingerprint: 'k4', short_code: '*714#', summary: 'the one in flight' });
  const pending = postWebhook(url, '2', stuck).catch((err: Error) => err);
  await waitFor(() => held.length === 1, { what: 'the SMS accepted by Kannel, its answer held' });
  const inFlight = (e: Record<string, unknown>) => e.kind === 'attempt' && (e.shortCodes as string[]).includes('*714#') && e.notification === (before[0].seq as number) + 1;
  // The mail to the same team goes on; wait for its result so the kill hits the SMS alone.
  await waitFor(async () => (await journal(url, '?limit=20')).some((e) => inFlight(e) && e.channel === 'email' && e.result === 'sent'), { what: 'the mail delivered' });
  proc.child.kill('SIGKILL');
  await proc.stop();
  expect(await pending).toBeInstanceOf(Error); // Alertmanager saw no 200: it will send again

  hold = false;
  proc = await startMain();
  const after = await journal(url, '?limit=5000');
  // Everything answered before the kill is there, unchanged; the receipt and the SMS start too.
  expect(after.slice(-before.length)).toEqual(before);
  const k4 = after.filter((e) => e.kind === 'received' && (e.alerts as { fingerprint: string }[])[0].fingerprint === 'k4');
  expect(k4).toHaveLength(1);
  const started = after.find((e) => inFlight(e) && e.channel === 'sms');
  expect(started).toMatchObject({ result: 'started', recipient: '2137*****101', attempt: 1 });

  // Alertmanager's retry: the SMS may have gone out (it had: Kannel accepted it), so it is
  // not sent again but journaled and counted as in doubt; the mail is a plain duplicate.
  const retry = await postWebhook(url, '2', stuck);
  expect(retry).toMatchObject({ status: 200, json: { sent: 0, duplicates: 1, inDoubt: 1 } });
  const [doubt] = (await journal(url, '?limit=5')).filter((e) => e.result === 'in_doubt');
  expect(doubt).toMatchObject({
    kind: 'attempt', channel: 'sms', recipient: '2137*****101', notification: retry.json.notification,
    message: `previous attempt interrupted at ${started!.ts as string}; not resent to avoid a duplicate`,
  });
  const metrics = await (await fetch(`${url}/metrics`)).text();
  expect(metrics).toMatch(/notifier_notifications_total\{channel="sms",result="in_doubt"\} 1\n/);
  expect(smsRequests.filter((t) => t.includes('*714#'))).toHaveLength(1);

  // Nothing else arrives at the SMSC for it: a later SMS to the same number gets there alone.
  expect((await postWebhook(url, '2', payload({ fingerprint: 'k5', short_code: '*715#', summary: 'the one after' }))).json).toMatchObject({ sent: 2 });
  const toOncall = () => kannel.received().filter((m) => m.to === '213770000101');
  await waitFor(() => toOncall().some((m) => m.text.includes('*715#')), { what: 'the later SMS at fakesmsc' });
  expect(toOncall().filter((m) => m.text.includes('*714#'))).toHaveLength(1);
});
