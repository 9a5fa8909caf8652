// Attack: read the SMTP password, or the mail, on the wire. The notifier requires STARTTLS
// by default: with a server that offers it (a certificate made for this test, trusted
// through email.tls_ca_file) the mail goes encrypted; with one that does not, nothing is
// sent and the password never leaves. A mail server's answer quoting the address is masked.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { freePort } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotifier, type RunningNotifier } from '../../src/service.js';
import { journal, payload, postWebhook, testConfig, type TestConfig } from '../helpers.js';

const USER = { user: 'ussdwatch', pass: 'smtp-secret-0123456789' };

interface Catcher {
  port: number;
  /** Per mail: whether it arrived inside TLS. */
  mails: { secure: boolean; to: string[] }[];
  logins: number;
  stop(): Promise<void>;
}

let certDir: string;

/** A real SMTP server (smtp-server) demanding AUTH; STARTTLS only when `tls`. Refuses RCPT to `refuse`. */
async function catcher(tls: boolean, refuse?: string): Promise<Catcher> {
  const c: Catcher = { port: await freePort(), mails: [], logins: 0, stop: async () => {} };
  const server = new SMTPServer({
    ...(tls ? { key: await readFile(join(certDir, 'key.pem')), cert: await readFile(join(certDir, 'cert.pem')) } : { disabledCommands: ['STARTTLS'] }),
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      c.logins++;
      cb(auth.username === USER.user && auth.password === USER.pass ? null : new Error('bad login'), { user: auth.username });
    },
    onRcptTo(address, _session, cb) {
      if (address.address === refuse) cb(Object.assign(new Error(`<${address.address}>: Recipient address rejected: mailbox full`), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () => {
        c.mails.push({ secure: session.secure, to: session.envelope.rcptTo.map((r) => r.address) });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(c.port, '127.0.0.1', resolve));
  c.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return c;
}

beforeAll(async () => {
  // Made here, never committed: a self-signed certificate for 127.0.0.1, valid one day.
  certDir = await mkdtemp(join(tmpdir(), 'ussdwatch-smtp-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
});

afterAll(() => rm(certDir, { recursive: true, force: true }));

describe('mail by default: STARTTLS or nothing', () => {
  let smtp: Catcher;
  let tc: TestConfig;
  let notifier: RunningNotifier;

  const start = async (tls: boolean, refuse?: string) => {
    smtp = await catcher(tls, refuse);
    tc = await testConfig({ sendsmsUrl: 'http://127.0.0.1:9/cgi-bin/sendsms', smtpPort: smtp.port, smtpCaFile: join(certDir, 'cert.pem'), smtpUser: USER });
    notifier = await startNotifier(tc.cfg);
  };

  afterAll(async () => {
    await notifier?.stop();
    await smtp?.stop();
    await tc?.cleanup();
  });

  it('sends inside TLS, and logs in only there, when the server offers STARTTLS', async () => {
    await start(true);
    const res = await postWebhook(notifier.url, '1', payload({ tier: '1', fingerprint: 'tls1' }));
    expect(res.json).toMatchObject({ sent: 1 });
    expect(smtp.mails).toEqual([{ secure: true, to: ['noc-billing@djezzy.dz'] }]);
    expect(smtp.logins).toBe(1);
  });

  it('sends nothing and never gives the password to a server without STARTTLS', async () => {
    await notifier.stop();
    await smtp.stop();
    await start(false);
    const res = await postWebhook(notifier.url, '1', payload({ tier: '1', fingerprint: 'tls2' }));
    expect(res.json).toMatchObject({ sent: 0 });
    expect(smtp.mails).toEqual([]);
    expect(smtp.logins).toBe(0);
    const failed = (await journal(notifier.url, '?limit=20')).find((e) => e.channel === 'email' && e.result !== 'started');
    expect(failed?.gatewayAnswer).toMatch(/STARTTLS/i);
  });

  it('masks a mail server answer quoting the address, in the journal and its API', async () => {
    await notifier.stop();
    await smtp.stop();
    await start(true, 'noc-billing@djezzy.dz');
    const res = await postWebhook(notifier.url, '1', payload({ tier: '1', fingerprint: 'tls3' }));
    expect(res.json).toMatchObject({ refused: 1 });
    // Journaled before the webhook answered.
    const failed = (await journal(notifier.url, '?limit=20')).find((e) => e.channel === 'email' && e.result === 'failed');
    expect(failed?.gatewayAnswer).toMatch(/n\*+g@djezzy\.dz.*Recipient address rejected/);
    const dir = join(tc.dir, 'journal');
    for (const f of await readdir(dir)) expect(await readFile(join(dir, f), 'utf8')).not.toContain('noc-billing@djezzy.dz');
  });
});
