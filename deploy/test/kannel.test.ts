// The demo SMS gateway, run for real (Debian's Kannel, as in deploy/kannel/Dockerfile):
// deploy/kannel/start.sh with deploy/kannel/kannel.conf, its ports moved to free ones,
// accepts the notifier's sendsms request and delivers it to fakesmsc.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startProcess, waitFor, type RunningProcess } from '@ussdwatch/testkit';
import { ROOT } from './container.js';
import { composeNotifierConfig } from './notifier-config.js';

const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-kannel-demo-'));
let kannel: RunningProcess;
let sendsms: URL;
let statusUrl: string;

beforeAll(async () => {
  // The container's fixed ports, each replaced by a free one on this machine.
  const ports: Record<string, number> = {};
  for (const p of ['13000', '13001', '10000', '13013']) ports[p] = await freePort();
  const conf = readFileSync(join(ROOT, 'deploy/kannel/kannel.conf'), 'utf8').replace(/= (13000|13001|10000|13013)$/gm, (_, p: string) => `= ${ports[p]}`);
  writeFileSync(join(dir, 'kannel.conf'), conf);
  const sms = composeNotifierConfig().sms;
  sendsms = new URL(`http://127.0.0.1:${ports['13013']}/cgi-bin/sendsms`);
  sendsms.search = new URLSearchParams({ username: sms.user, password: sms.password, from: sms.sender, to: '213770000101', text: 'ussdwatch demo check' }).toString();
  statusUrl = `http://127.0.0.1:${ports['13000']}/status.txt?password=kannel-admin-dev`;
  kannel = await startProcess('bash', [join(ROOT, 'deploy/kannel/start.sh')], {
    env: { ...process.env, KANNEL_CONF: join(dir, 'kannel.conf') },
    name: 'kannel demo',
    readyUrl: statusUrl,
  });
}, 30_000);

afterAll(async () => {
  await kannel?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('demo Kannel (deploy/kannel)', () => {
  it('accepts the notifier credentials and delivers the SMS to fakesmsc', async () => {
    await waitFor(async () => {
      const status = await (await fetch(statusUrl)).text();
      return /fake\[fake\].*online/.test(status) && /Box connections:[\s\S]*smsbox:/.test(status);
    }, { timeoutMs: 20_000, what: 'the fake SMSC online and smsbox connected' });
    const res = await waitFor(() => fetch(sendsms).catch(() => undefined), { what: 'sendsms to answer' });
    expect(res.status).toBe(202);
    expect(await res.text()).toContain('Accepted for delivery');
    // fakesmsc prints what bearerbox delivers as "Got message N: <from to type text>".
    const got = await waitFor(() => /Got message \d+: <(\S+) 213770000101 text (.*)>$/m.exec(kannel.output()) ?? undefined, {
      timeoutMs: 20_000,
      what: 'fakesmsc to print the message',
    });
    expect(got[1]).toBe('Djezzy-NOC');
    expect(got[2]).toBe('ussdwatch demo check');
  });

  it('stops every Kannel process on SIGTERM, and only then exits', async () => {
    await kannel.stop(15_000);
    expect(kannel.child.exitCode).toBe(0);
    expect(kannel.output()).toContain('kannel-demo: stopping');
    const left = spawnSync('pgrep', ['-f', join(dir, 'kannel.conf')], { encoding: 'utf8' });
    expect(left.stdout).toBe('');
  });
});
