// The SMS retry policy against a gateway that answers what each test scripts: 503 and
// transport errors are retried with backoff, 403 and 400 never.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSmtp, type SmtpSink } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffMs } from '../src/retry.js';
import { startNotifier, type RunningNotifier } from '../src/service.js';
import { journal, payload, postWebhook, testConfig, type TestConfig } from './helpers.js';

type Answer = number | 'drop';

let script: Answer[] = [];
let hits: number[] = [];
let gateway: Server;
let smtp: SmtpSink;
let tc: TestConfig;
let notifier: RunningNotifier;

beforeAll(async () => {
  gateway = createServer((req, res) => {
    hits.push(Date.now());
    const a = script.shift() ?? 202;
    if (a === 'drop') return req.socket.destroy();
    res.writeHead(a).end(a === 202 ? '0: Accepted for delivery' : `gateway says ${a}`);
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
  smtp = await startSmtp();
  tc = await testConfig({ sendsmsUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/cgi-bin/sendsms`, smtpPort: smtp.port, smsAttempts: 4 });
  notifier = await startNotifier(tc.cfg);
});

afterAll(async () => {
  await notifier?.stop();
  await smtp?.stop();
  gateway?.close();
  await tc?.cleanup();
});

// One short code per case: alerts of one code are one incident, told once.
const codes = new Map<string, string>();
const codeOf = (fingerprint: string) => codes.get(fingerprint) ?? codes.set(fingerprint, `*79${codes.size}#`).get(fingerprint)!;

async function sendOnce(answers: Answer[], fingerprint: string) {
  script = answers;
  hits = [];
  const res = await postWebhook(notifier.url, '2', payload({ fingerprint, short_code: codeOf(fingerprint) }));
  const attempts = (await journal(notifier.url)).filter((e) => e.kind === 'attempt' && e.channel === 'sms' && e.notification === res.json.notification);
  return { res, attempts: attempts.reverse() };
}

describe('SMS retries', () => {
  it('retries 503 and a dropped connection, then delivers', async () => {
    const { res, attempts } = await sendOnce([503, 'drop', 202], 'r1');
    expect(res.status).toBe(200);
    expect(hits).toHaveLength(3);
    // Each request is journaled as started before it leaves, then its result.
    expect(attempts.map((a) => `${a.attempt}:${a.result}`)).toEqual(['1:started', '1:retry', '2:started', '2:retry', '3:started', '3:sent']);
    expect(attempts[1]).toMatchObject({ gatewayStatus: 503, gatewayAnswer: 'gateway says 503', recipient: '2137*****101' });
    expect(attempts[3].gatewayAnswer).toMatch(/^transport error/);
    expect(hits[1] - hits[0]).toBeGreaterThanOrEqual(10); // backed off, not hammered
  });

  it.each([403, 400])('never retries %i, and answers 200 (Alertmanager retrying would not help)', async (code) => {
    const { res, attempts } = await sendOnce([code], `r${code}`);
    expect(hits).toHaveLength(1);
    expect(attempts.map((a) => a.result)).toEqual(['started', 'failed']);
    expect(res).toMatchObject({ status: 200, json: { refused: 1, sent: 1 } }); // the email still went
  });

  it('gives up after the configured attempts and answers 503 so Alertmanager retries later', async () => {
    const { res, attempts } = await sendOnce([503, 503, 503, 503], 'r-exhaust');
    expect(hits).toHaveLength(4);
    expect(attempts.filter((a) => a.result !== 'started').map((a) => a.result)).toEqual(['retry', 'retry', 'retry', 'failed']);
    expect(res).toMatchObject({ status: 503, json: { unavailable: 1 } });
    const metrics = await (await fetch(`${notifier.url}/metrics`)).text();
    expect(metrics).toMatch(/notifier_notifications_total\{channel="sms",result="retry"\} [1-9]/);
    // Alertmanager's retry: a transient failure is not "in doubt", the SMS goes out; the mail already went.
    const again = await sendOnce([202], 'r-exhaust');
    expect(hits).toHaveLength(1);
    expect(again.res).toMatchObject({ status: 200, json: { sent: 1, duplicates: 1, inDoubt: 0 } });
  });

  it('backs off exponentially up to the cap', () => {
    const policy = { attempts: 5, initialBackoffMs: 100, maxBackoffMs: 500 };
    expect([1, 2, 3, 4].map((n) => backoffMs(policy, n, () => 1))).toEqual([100, 200, 400, 500]);
    expect(backoffMs(policy, 1, () => 0)).toBe(50);
  });
});
