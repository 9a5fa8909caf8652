// SIGKILL mid-delivery: the notifier runs as its own process (the real main.ts), is
// killed while the SMS gateway holds a request, and restarted on the same journal.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort, startProcess, startSmtp, waitFor, type RunningProcess, type SmtpSink } from '@ussdwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { journal, payload, postWebhook, testConfig, type TestConfig } from './helpers.js';

const MAIN = join(import.meta.dirname, '../src/main.ts');

let gateway: Server;
let hold = false;
const held: ServerResponse[] = [];
const smsRequests: string[] = [];
let smtp: SmtpSink;
let tc: TestConfig;
let proc: RunningProcess | undefined;

function startMain(): Promise<RunningProcess> {
  return startProcess(process.execPath, ['--import', 'tsx', MAIN, '--config', tc.file], {
    name: 'notifier', readyUrl: `http://127.0.0.1:${tc.cfg.listen.port}/ready`, env: { ...process.env, NOTIFIER_TOKEN: '' },
  });
}

beforeAll(async () => {
  gateway = createServer((req: IncomingMessage, res: ServerResponse) => {
    smsRequests.push(new URL(req.url ?? '/', 'http://x').searchParams.get('text') ?? '');
    if (hold) held.push(res);
    else res.writeHead(202).end('0: Accepted for delivery');
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
  smtp = await startSmtp();
  tc = await testConfig({ sendsmsUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/`, smtpPort: smtp.port, port: await freePort() });
});

afterAll(async () => {
  await proc?.stop();
  for (const r of held) r.destroy();
  gateway?.close();
  await smtp?.stop();
  await tc?.cleanup();
});

it('loses no journal entry when killed with SIGKILL mid-delivery, and redelivers what never completed', async () => {
  proc = await startMain();
  const url = `http://127.0.0.1:${tc.cfg.listen.port}`;
  for (const fp of ['k1', 'k2', 'k3']) expect((await postWebhook(url, '2', payload({ fingerprint: fp }))).status).toBe(200);
  const before = await journal(url, '?limit=5000');
  expect(before.filter((e) => e.kind === 'received')).toHaveLength(3);

  hold = true;
  const stuck = payload({ fingerprint: 'k4', summary: 'the one in flight' });
  const pending = postWebhook(url, '2', stuck).catch((err: Error) => err);
  await waitFor(() => held.length === 1, { what: 'the SMS request held by the gateway' });
  proc.child.kill('SIGKILL');
  await proc.stop();
  expect(await pending).toBeInstanceOf(Error); // Alertmanager saw no 200: it will send again

  hold = false;
  proc = await startMain();
  const after = await journal(url, '?limit=5000');
  // Everything answered before the kill is there, unchanged; the receipt in flight too.
  expect(after.slice(-before.length)).toEqual(before);
  const k4 = after.filter((e) => e.kind === 'received' && (e.alerts as { fingerprint: string }[])[0].fingerprint === 'k4');
  expect(k4).toHaveLength(1);

  // Alertmanager's retry: the SMS whose attempt never completed is sent, not deduplicated.
  const retry = await postWebhook(url, '2', stuck);
  expect(retry.status).toBe(200);
  expect(retry.json.sent as number).toBeGreaterThanOrEqual(1);
  expect(smsRequests.filter((t) => t.includes('the one in flight'))).toHaveLength(2);
  // A further copy now finds it delivered.
  expect((await postWebhook(url, '2', stuck)).json).toMatchObject({ sent: 0, duplicates: 2 });
  expect(smsRequests.filter((t) => t.includes('the one in flight'))).toHaveLength(2);
});
