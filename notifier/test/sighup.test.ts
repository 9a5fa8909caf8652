// SIGHUP to the real notifier process (main.ts), with real Kannel and SMTP: from the moment
// it starts it reloads rather than dies. Its web config is a named pipe, so start-up waits
// reading it at a known point, after the notifier listens for SIGHUP and before it serves:
// the first SIGHUP lands during start-up every time.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, startKannel, startProcess, startSmtp, waitFor, type KannelGateway, type RunningProcess, type SmtpSink } from '@ussdwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { payload, postWebhook, testConfig, TOKEN, type TestConfig } from './helpers.js';

const MAIN = join(import.meta.dirname, '../src/main.ts');

let kannel: KannelGateway;
let smtp: SmtpSink;
let tc: TestConfig;
let webConfig: string;
let proc: RunningProcess | undefined;

beforeAll(async () => {
  [kannel, smtp] = await Promise.all([startKannel(), startSmtp()]);
  tc = await testConfig({ sendsmsUrl: kannel.sendsmsUrl, smsUser: kannel.user, smsPassword: kannel.password, smtpPort: smtp.port, port: await freePort() });
  webConfig = join(tc.dir, 'web.yml');
  execFileSync('mkfifo', [webConfig]);
});

afterAll(async () => {
  await proc?.stop();
  // A writer still waiting for a reader (the notifier died first) is let go.
  closeSync(openSync(webConfig, constants.O_RDONLY | constants.O_NONBLOCK));
  await Promise.all([smtp?.stop(), kannel?.stop()]);
  await tc?.cleanup();
});

const url = () => `http://127.0.0.1:${tc.cfg.listen.port}`;
const logs = () =>
  proc!
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; trigger?: string; error?: string });
const reloads = (msg: string) => logs().filter((l) => l.msg === msg && l.trigger === 'SIGHUP');
const lastReloadOk = async () => {
  const text = await (await fetch(`${url()}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  return /^ussdwatch_config_last_reload_successful (\d)$/m.exec(text)?.[1];
};

it('queues a SIGHUP that comes during start-up; later ones apply new recipients, or are refused and the running configuration goes on', async () => {
  proc = await startProcess(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, '--config', tc.file, '--web.config.file', webConfig], {
    name: 'notifier',
    env: { ...process.env, NOTIFIER_TOKEN: '' },
  });
  const died = proc.exit.then((code) => Promise.reject(new Error(`the notifier exited (${code}):\n${proc!.output()}`)));
  // Opening the pipe to write returns once the notifier opened it to read: it is starting up.
  const pipe = await Promise.race([open(webConfig, 'w'), died]);
  proc.child.kill('SIGHUP');
  // No TLS; a reader's token beside the notifier's own (act), which the test uses.
  await writeFile(join(tc.dir, 'reader.token'), 'reader-token-0123456789abcdef0123456789\n');
  await pipe
    .writeFile('bearer_tokens:\n  - { name: reader, token_file: reader.token, role: read }\n')
    // EPIPE: the reader is gone, the SIGHUP killed it; say so with its output.
    .catch((err: NodeJS.ErrnoException) => (err.code === 'EPIPE' ? died : Promise.reject(err)))
    .finally(() => pipe.close());
  await Promise.race([waitFor(async () => (await fetch(`${url()}/healthz`).catch(() => null))?.ok, { timeoutMs: 20_000, what: 'the notifier serving' }), died]);
  await waitFor(() => reloads('configuration reloaded').length === 1, { what: 'the queued SIGHUP reload' });
  expect(logs().map((l) => l.msg)).toContain('SIGHUP during start-up: the configuration is read again once started');
  expect(proc.exited()).toBe(false);

  // New recipients: the next page goes to them.
  const original = await readFile(tc.file, 'utf8');
  await writeFile(tc.file, original.replace('billing: { emails: [noc-billing@djezzy.dz], oncall_sms: ["213770000101"] }', 'billing: { emails: [noc-sighup@djezzy.dz], oncall_sms: ["213770000121"] }'));
  proc.child.kill('SIGHUP');
  await waitFor(() => reloads('configuration reloaded').length === 2, { what: 'the SIGHUP reload' });
  expect(await postWebhook(url(), '2', payload({ team: 'billing', short_code: '*761#', fingerprint: 'hup-1' }))).toMatchObject({ status: 200, json: { sent: 2 } });
  await waitFor(() => kannel.received().some((m) => m.to === '213770000121') && smtp.received().some((m) => m.to.includes('noc-sighup@djezzy.dz')), { what: 'the page to the new recipients' });
  expect(kannel.received().filter((m) => m.to === '213770000101')).toEqual([]);
  expect(await lastReloadOk()).toBe('1');

  // A restart-only change: refused, logged with its line, said on /metrics; the notifier goes on.
  await writeFile(tc.file, original.replace(/port: \d+ \}/, 'port: 9 }'));
  proc.child.kill('SIGHUP');
  await waitFor(() => reloads('configuration reload refused; the previous one keeps running').length === 1, { what: 'the refused SIGHUP reload' });
  expect(reloads('configuration reload refused; the previous one keeps running')[0].error).toMatch(/notifier\.yaml:1: listen: cannot change while the notifier runs .* restart the notifier to apply it$/);
  expect(await lastReloadOk()).toBe('0');
  expect(await postWebhook(url(), '2', payload({ team: 'billing', short_code: '*762#', fingerprint: 'hup-2' }))).toMatchObject({ status: 200, json: { sent: 2 } });
  await waitFor(() => kannel.received().filter((m) => m.to === '213770000121').length === 2, { what: 'the page to the running recipients' });
  expect(proc.exited()).toBe(false);
});
