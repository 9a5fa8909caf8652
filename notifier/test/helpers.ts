// Shared by the notifier tests: a real configuration file in a temp dir, webhook payloads
// shaped like Alertmanager's, and a client for the webhook.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startKannel, startSmtp, type KannelGateway, type SmtpSink } from '@ussdwatch/testkit';
import { loadConfig, type NotifierConfig } from '../src/config.js';
import { parsePayload, type WebhookPayload } from '../src/payload.js';
import { startNotifier, type RunningNotifier } from '../src/service.js';

export const TOKEN = 'test-token-0123456789';
export const REPO = resolve(import.meta.dirname, '../..');

export interface TestConfig {
  dir: string;
  file: string;
  cfg: NotifierConfig;
  cleanup(): Promise<void>;
}

export interface TestConfigOptions {
  sendsmsUrl: string;
  smsUser?: string;
  smsPassword?: string;
  smtpPort: number;
  port?: number;
  dir?: string;
  smsAttempts?: number;
  smsCap?: number;
  /** The SMTP server offers STARTTLS with a certificate signed by this CA (PEM file); else it is testkit's plain sink. */
  smtpCaFile?: string;
  smtpUser?: { user: string; pass: string };
  /** An on-call file's text, written beside the config. */
  oncall?: string;
  /** Kannel calls back here (the notifier's own URL) with this token. */
  callback?: { url: string; token: string };
  alertmanagerUrl?: string;
}

/** Writes a complete notifier.yaml (teams as shipped, transports pointed at the test's servers). */
export async function testConfig(o: TestConfigOptions): Promise<TestConfig> {
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'ussdwatch-notifier-')));
  const file = join(dir, 'notifier.yaml');
  if (o.oncall) await writeFile(join(dir, 'oncall.yaml'), o.oncall);
  await writeFile(file, `listen: { host: 127.0.0.1, port: ${o.port ?? 0} }
${o.oncall ? 'oncall_file: oncall.yaml' : ''}
${o.alertmanagerUrl ? `alertmanager: { urls: [${o.alertmanagerUrl}] }` : ''}
${o.callback ? `links: { base_url: ${o.callback.url} }` : ''}
auth: { token: ${TOKEN} }
journal: { dir: ${join(dir, 'journal')} }
sms:
  sendsms_url: ${o.sendsmsUrl}
  user: ${o.smsUser ?? 'u'}
  password: ${o.smsPassword ?? 'p'}
  sender: Djezzy-NOC
  timeout_ms: 3000
  retry: { attempts: ${o.smsAttempts ?? 3}, initial_backoff_ms: 20, max_backoff_ms: 50 }
  max_per_recipient_per_hour: ${o.smsCap ?? 20}
  ${o.callback ? `callback_url: ${o.callback.url}
  callback_token: ${o.callback.token}` : ''}
email:
  host: 127.0.0.1
  port: ${o.smtpPort}
  # testkit's SMTP sink speaks plain SMTP on loopback.
  ${o.smtpCaFile ? `tls_ca_file: ${o.smtpCaFile}` : 'require_tls: false'}
  ${o.smtpUser ? `user: ${o.smtpUser.user}
  password: ${o.smtpUser.pass}` : ''}
  from: ussdwatch <ussdwatch@djezzy.dz>
  timeout_ms: 3000
  retry: { attempts: 2, initial_backoff_ms: 20, max_backoff_ms: 50 }
critical_team: technical
teams:
  billing: { emails: [noc-billing@djezzy.dz], oncall_sms: ["213770000101"] }
  offers: { emails: [noc-offers@djezzy.dz], oncall_sms: ["213770000201"] }
  technical:
    emails: [noc-technical@djezzy.dz]
    oncall_sms: ["213770000901"]
    critical_sms: ["213770000902", "213770000903"]
    critical_emails: [noc-critical@djezzy.dz]
`);
  return { dir, file, cfg: loadConfig(file, {}), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface AlertSpec {
  alertname?: string;
  tier?: string;
  team?: string;
  short_code?: string;
  status?: 'firing' | 'resolved';
  fingerprint?: string;
  summary?: string;
  /** The firing episode: Prometheus gives an alert that fires again a new startsAt. */
  startsAt?: string;
}

export function payload(spec: AlertSpec = {}, extra: AlertSpec[] = []) {
  const alerts = [spec, ...extra].map((s, i) => {
    const labels: Record<string, string> = {
      alertname: s.alertname ?? 'UssdAppTimeouts', tier: s.tier ?? '2', severity: 'warning',
      team: s.team ?? 'billing', short_code: s.short_code ?? '*710#', class: 'internal', cause: 'app_timeout',
    };
    return {
      status: s.status ?? 'firing', labels,
      annotations: { summary: s.summary ?? `${labels.short_code} Solde: application timeouts at 31%`, runbook_url: 'https://runbooks.example/app-timeout' } as Record<string, string>,
      startsAt: s.startsAt ?? '2026-11-21T12:45:02.123Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prometheus/graph',
      fingerprint: s.fingerprint ?? `f${i}${labels.alertname.length}${labels.short_code.length}`,
    };
  });
  const first = alerts[0].labels;
  return {
    version: '4', groupKey: `{}/{tier="${first.tier}"}:{alertname="${first.alertname}", short_code="${first.short_code}"}`,
    truncatedAlerts: 0, status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved', receiver: `tier${first.tier}`,
    groupLabels: { alertname: first.alertname, short_code: first.short_code } as Record<string, string>, commonLabels: first,
    commonAnnotations: alerts.length === 1 ? alerts[0].annotations : {}, externalURL: 'http://alertmanager:9093', alerts,
  };
}

/** payload(), optionally edited, through the notifier's own parser: what the message builders get. */
export function parsedPayload(spec: AlertSpec = {}, extra: AlertSpec[] = [], edit: (raw: ReturnType<typeof payload>) => void = () => {}): WebhookPayload {
  const raw = payload(spec, extra);
  edit(raw);
  return parsePayload(JSON.stringify(raw), []);
}

export async function postWebhook(baseUrl: string, tier: string, body: unknown, token = TOKEN): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/webhook/tier${tier}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** One sample of the notifier's /metrics (a name with its labels, as exposed), undefined when absent. */
export async function metric(baseUrl: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

export async function journal(baseUrl: string, query = ''): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${baseUrl}/api/journal${query}`);
  if (!res.ok) throw new Error(`journal ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { entries: Record<string, unknown>[] }).entries;
}

/** The notifier in-process with a real Kannel and a real SMTP server. */
export interface RealChain {
  kannel: KannelGateway;
  smtp: SmtpSink;
  notifier: RunningNotifier;
  /** The notifier.yaml it runs with, to edit for a reload. */
  config: TestConfig;
  stop(): Promise<void>;
}

export async function startRealChain(token?: string, extra: Partial<TestConfigOptions> = {}): Promise<RealChain> {
  const [kannel, smtp] = await Promise.all([startKannel(), startSmtp()]);
  const tc = await testConfig({ sendsmsUrl: kannel.sendsmsUrl, smsUser: kannel.user, smsPassword: kannel.password, smtpPort: smtp.port, ...extra });
  const notifier = await startNotifier(token ? { ...tc.cfg, token } : tc.cfg);
  return {
    kannel, smtp, notifier, config: tc,
    async stop() {
      await notifier.stop();
      await Promise.all([kannel.stop(), smtp.stop()]);
      await tc.cleanup();
    },
  };
}
