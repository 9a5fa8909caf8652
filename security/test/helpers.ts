// What the security tests share: secrets made for the test (a self-signed certificate from
// openssl, tokens, bcrypt hashes: no private key is ever committed), the services started
// from their real command lines, and a client that speaks HTTP and HTTPS to them.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startProcess, waitFor, type RunningProcess } from '@ussdwatch/testkit';
import bcrypt from 'bcryptjs';
import { afterAll } from 'vitest';

export const REPO = resolve(import.meta.dirname, '../..');
/** The demo token the repository ships: production must refuse it. */
export const DEMO_TOKEN_FILE = join(REPO, 'alertmanager/secrets/notifier.token');
const RUN = join(import.meta.dirname, 'run-service.ts');

export const READ_PASSWORD = 'viewer-password-for-this-test';
export const ACT_TOKEN = 'act-token-0123456789abcdef0123456789abcdef';
export const READ_TOKEN = 'read-token-0123456789abcdef0123456789abcdef';

export interface Secrets {
  dir: string;
  cert: string;
  key: string;
  /** A web config with TLS, `grafana` (read, READ_PASSWORD), `ops` token (act), `prometheus` token (read). */
  webConfig: string;
  actTokenFile: string;
}

/** A temp folder with a certificate, tokens and a web config; removed after the file's tests. */
export function makeSecrets(): Secrets {
  const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-security-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const actTokenFile = join(dir, 'ops.token');
  writeFileSync(actTokenFile, `${ACT_TOKEN}\n`);
  writeFileSync(join(dir, 'prometheus.token'), `${READ_TOKEN}\n`);
  const webConfig = join(dir, 'web.yml');
  writeFileSync(
    webConfig,
    `tls_server_config:
  cert_file: cert.pem
  key_file: key.pem
http_server_config:
  headers:
    X-Content-Type-Options: nosniff
basic_auth_users:
  grafana: ${bcrypt.hashSync(READ_PASSWORD, 4)}
bearer_tokens:
  - { name: ops, token_file: ops.token, role: act }
  - { name: prometheus, token_file: prometheus.token, role: read }
`,
  );
  return { dir, cert, key, webConfig, actTokenFile };
}

/** The same web config with the demo token in place of the act token. */
export function demoTokenWebConfig(s: Secrets): string {
  const f = join(s.dir, 'web-demo.yml');
  writeFileSync(f, `tls_server_config: { cert_file: cert.pem, key_file: key.pem }\nbearer_tokens:\n  - { name: alertmanager, token_file: ${DEMO_TOKEN_FILE}, role: act }\n`);
  return f;
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
export const bearer = (token: string) => `Bearer ${token}`;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request, over HTTPS when the URL says so (trusting `ca`); rejects when the connection fails. */
export function call(url: string, opts: { method?: string; authorization?: string; body?: string; ca?: Buffer | string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { connection: 'close' };
  if (opts.authorization) headers.authorization = opts.authorization;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolveAnswer, reject) => {
    const req = send(url, { method: opts.method ?? 'GET', headers, ca: opts.ca, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolveAnswer({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out'))).on('error', reject);
    req.end(opts.body);
  });
}

/** Writes the bytes, half-closes, and returns whatever comes back until the server closes (or 3 s). */
export function exchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, 3_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', done).on('close', done);
    socket.end(bytes);
  });
}

export interface Service {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export type ServiceName = 'exporter' | 'notifier' | 'simulator' | 'harness' | 'reports';

interface Spawned {
  output(): string;
  exited: Promise<number>;
  stop(): Promise<void>;
}

function spawnService(name: ServiceName, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', RUN, name, ...args], {
    cwd: REPO,
    env: { ...process.env, USSDWATCH_PRODUCTION: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number>((done) => child.once('exit', (code, signal) => done(code ?? (signal ? 128 : 1))));
  return {
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts a service from its command line and waits until `${url}/healthz` answers 200. */
export async function startService(name: ServiceName, args: string[], url: string, opts: { env?: NodeJS.ProcessEnv; ca?: Buffer | string } = {}): Promise<Service> {
  const p = spawnService(name, args, opts.env ?? {});
  let exitCode: number | null = null;
  void p.exited.then((c) => (exitCode = c));
  try {
    await waitFor(
      async () => {
        if (exitCode !== null) throw new Error(`${name} exited with ${exitCode}:\n${p.output().slice(-2000)}`);
        const r = await call(`${url}/healthz`, { ca: opts.ca }).catch(() => null);
        return r?.status === 200 ? true : undefined;
      },
      { timeoutMs: 30_000, what: `${name} at ${url}` },
    );
  } catch (err) {
    await p.stop();
    throw err;
  }
  return { url, output: p.output, stop: p.stop };
}

/** Runs a command to its end (a service that must refuse to start, a client): its exit status and what it wrote. */
export async function runToExit(name: ServiceName, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  const p = spawnService(name, args, env);
  const timer = setTimeout(() => void p.stop(), 30_000);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, output: p.output() };
}

export const refusedStart = runToExit;

/** A notifier.yaml on loopback whose Alertmanager token is `tokenFile`; SMS and mail go nowhere (port 9), once. */
export function notifierYaml(port: number, tokenFile: string): string {
  return `listen: { host: 127.0.0.1, port: ${port} }
auth: { token_file: ${tokenFile} }
journal: { dir: ./journal }
sms: { sendsms_url: "http://127.0.0.1:9/cgi-bin/sendsms", retry: { attempts: 1 } }
email: { host: 127.0.0.1, port: 9, secure: false, retry: { attempts: 1 } }
critical_team: technical
teams:
  technical: { emails: [noc-technical@djezzy.dz], oncall_sms: ["213770000901"], critical_sms: ["213770000902"] }
`;
}

export interface Started {
  url: string;
  proc: RunningProcess;
}

/** Starts a program listening on `port` behind a web config, and waits until /-/ready answers 200 to these credentials over HTTPS. */
export async function startWithWebConfig(cmd: string, args: string[], port: number, authorization: string, ca: Buffer, env?: NodeJS.ProcessEnv): Promise<Started> {
  const url = `https://127.0.0.1:${port}`;
  const proc = await startProcess(cmd, args, { name: cmd, env: env && { ...process.env, ...env } });
  try {
    await waitFor(
      async () => {
        if (proc.exited()) throw new Error(`${cmd} exited:\n${proc.output().slice(-2000)}`);
        const r = await call(`${url}/-/ready`, { authorization, ca }).catch(() => null);
        return r?.status === 200 ? true : undefined;
      },
      { timeoutMs: 30_000, what: `${cmd} at ${url}` },
    );
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { url, proc };
}

export { freePort };
