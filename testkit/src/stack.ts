// The whole ussdwatch chain on loopback, as one object: simulator -> exporter -> Prometheus
// -> Alertmanager -> notifier -> Kannel (fakesmsc) + SMTP, and optionally the Grafana app
// harness. One module for the end-to-end test, `npm start` and the app's browser test, so
// the way the parts are wired together exists exactly once.
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startAlertmanager } from './alertmanager.js';
import { startKannel, type ReceivedSms } from './kannel.js';
import { freePort } from './net.js';
import { startProcess, type RunningProcess } from './process.js';
import { startPrometheus } from './prometheus.js';
import { startSmtp, type ReceivedMail } from './smtp.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export type PartName = 'exporter' | 'notifier' | 'simulator' | 'harness' | 'prometheus' | 'alertmanager' | 'kannel' | 'smtp';

/** The ports `npm start` uses when nothing overrides them (tests pick free ones instead). */
export const DEFAULT_PORTS: Readonly<Record<PartName, number>> = {
  exporter: 9716,
  notifier: 9717,
  simulator: 9718,
  harness: 9719,
  prometheus: 9090,
  alertmanager: 9093,
  kannel: 13013,
  smtp: 2525,
};

/** The environment variable that overrides each default port. */
export const PORT_ENV: Readonly<Record<PartName, string>> = {
  exporter: 'USSDWATCH_EXPORTER_PORT',
  notifier: 'USSDWATCH_NOTIFIER_PORT',
  simulator: 'USSDWATCH_SIMULATOR_PORT',
  harness: 'USSDWATCH_HARNESS_PORT',
  prometheus: 'USSDWATCH_PROMETHEUS_PORT',
  alertmanager: 'USSDWATCH_ALERTMANAGER_PORT',
  kannel: 'USSDWATCH_KANNEL_PORT',
  smtp: 'USSDWATCH_SMTP_PORT',
};

const PART_NAMES = Object.keys(DEFAULT_PORTS) as PartName[];

/**
 * The parts whose port the stack can fix. Alertmanager, Kannel and the SMTP server come
 * from testkit launchers that always pick a free port; their URLs are in Stack.urls.
 */
export const FIXED_PORT_PARTS: readonly PartName[] = ['exporter', 'notifier', 'simulator', 'harness', 'prometheus'];

/** The default ports with env overrides applied; a malformed value names its variable. */
export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<PartName, number> {
  const ports = { ...DEFAULT_PORTS };
  for (const part of PART_NAMES) {
    const raw = env[PORT_ENV[part]];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      throw new Error(`${PORT_ENV[part]}=${raw}: expected a TCP port number 1-65535 for the ${part}`);
    }
    ports[part] = n;
  }
  return ports;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
  });
}

/** Fails with one message listing every taken port, its part and the variable that moves it. */
export async function assertPortsFree(ports: Partial<Record<PartName, number>>): Promise<void> {
  const taken: string[] = [];
  for (const part of PART_NAMES) {
    const port = ports[part];
    if (port !== undefined && !(await portIsFree(port))) {
      taken.push(`  ${part}: 127.0.0.1:${port} is already in use (see who: ss -ltnp 'sport = :${port}'); stop it or set ${PORT_ENV[part]}=<another port>`);
    }
  }
  if (taken.length) throw new Error(`ports taken:\n${taken.join('\n')}`);
}

/**
 * A program of the chain started by the stack itself, in its own process group so that
 * stopping it also stops anything it forked, with its output mirrored to a log file.
 */
export interface PartProcess {
  readonly name: string;
  output(): string;
  /** Sends a signal to the whole group now (SIGKILL to simulate a crash). */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM to the group, SIGKILL after graceMs; resolves when the leader is gone. */
  stop(graceMs?: number): Promise<void>;
  /** Whether the leader has exited. */
  exited(): boolean;
}

interface PartSpec {
  name: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  readyUrl?: string;
  readyTimeoutMs?: number;
  logFile: string;
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (err) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function startPart(spec: PartSpec): Promise<PartProcess> {
  const log = createWriteStream(spec.logFile, { flags: 'a' });
  let proc: RunningProcess;
  try {
    proc = await startProcess(spec.cmd, spec.args, {
      name: spec.name,
      cwd: REPO_ROOT,
      env: { ...process.env, ...spec.env },
      detached: true,
      readyUrl: spec.readyUrl,
      readyTimeoutMs: spec.readyTimeoutMs ?? 30_000,
    });
  } catch (err) {
    log.end((err as Error).message);
    throw err;
  }
  const { child } = proc;
  // Everything said before readiness is in output(); what follows streams to the file.
  log.write(proc.output());
  child.stdout?.on('data', (b: Buffer) => log.write(b));
  child.stderr?.on('data', (b: Buffer) => log.write(b));
  let gone = child.exitCode !== null || child.signalCode !== null;
  const exit = new Promise<void>((done) => {
    if (gone) done();
    child.once('exit', () => {
      gone = true;
      done();
    });
  });
  void exit.then(() => closeLog(log));
  return {
    name: spec.name,
    output: () => proc.output(),
    kill: (signal) => signalGroup(child.pid, signal),
    exited: () => gone,
    async stop(graceMs = 5000) {
      signalGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      // Whatever the leader left behind in its group goes too.
      signalGroup(child.pid, 'SIGKILL');
    },
  };
}

function closeLog(log: WriteStream): Promise<void> {
  return new Promise((done) => log.end(done));
}

/** A fault as the simulator's control API takes it (docs/simulator.md lists the scenarios). */
export interface FaultSpec {
  scenario: string;
  target?: string;
  /** Share of the target's dialogs affected (the scenario's default when absent). */
  share?: number;
  after_s?: number;
  duration_s?: number;
}

/** Client of the simulator's control endpoint. */
export interface FaultControl {
  readonly url: string;
  /** Starts a fault; resolves with its id and the wall-clock ms at which it took effect. */
  start(fault: FaultSpec): Promise<{ id: string; startedAt: number }>;
  stop(id: string): Promise<void>;
  list(): Promise<unknown>;
  status(): Promise<unknown>;
}

async function controlCall(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`simulator control ${init?.method ?? 'GET'} ${url}: HTTP ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

export function faultControl(url: string): FaultControl {
  return {
    url,
    async start(fault) {
      const sent = Date.now();
      const body = (await controlCall(`${url}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fault),
      })) as { id: string; starts?: string };
      return { id: body.id, startedAt: body.starts ? Date.parse(body.starts) : sent };
    },
    async stop(id) {
      await controlCall(`${url}/faults/${encodeURIComponent(id)}`, { method: 'DELETE' });
    },
    list: () => controlCall(`${url}/faults`),
    status: () => controlCall(`${url}/status`),
  };
}

export interface StackOptions {
  /** Where configs, logs, DPSS files and state go; kept after stop. Default: a temp folder removed on stop. */
  workDir?: string;
  /** Fixed ports (e.g. DEFAULT_PORTS for `npm start`); every part without one gets a free port. */
  ports?: Partial<Record<PartName, number>>;
  simulator?: {
    /** Dialogs per second at the evening peak (default 200). */
    rate?: number;
    seed?: number;
    /** Same rate all day instead of the daily curve. */
    flat?: boolean;
    /** DPSS period and the delay after its end before its file is written (defaults: 300 and 180). */
    periodS?: number;
    dpssLagS?: number;
  };
  /** Prometheus scrape and rule evaluation intervals (the shipped ones when absent). */
  prometheus?: { scrapeInterval?: string; evaluationInterval?: string };
  alertmanager?: {
    /** Caps on every route's group_wait / group_interval: lowers slower tiers, never raises a faster one. */
    maxGroupWait?: string;
    maxGroupInterval?: string;
    /** Opens every time interval (business hours) around the clock, so held notifications are observable any day. */
    openTimeIntervals?: boolean;
  };
  /** Puts something between two parts: gets the real URL, returns the one the caller should use. */
  interpose?: {
    /** Between Alertmanager and the notifier (base URL, without /webhook/...). */
    webhook?: (notifierUrl: string) => Promise<string>;
    /** Between the notifier and Kannel's sendsms. */
    sendsms?: (sendsmsUrl: string) => Promise<string>;
  };
  /** Also start the Grafana app harness (needs `npm run build:harness -w grafana-app` first). */
  harness?: boolean;
  /** Progress messages ("starting Prometheus..."). */
  onProgress?: (message: string) => void;
}

/** A mail as the SMTP server got it, or an SMS as fakesmsc got it, with the moment the stack first saw it. */
export type Seen<T> = T & { seenAt: number };

export interface Stack {
  workDir: string;
  urls: {
    exporter: string;
    notifier: string;
    simulator: string;
    prometheus: string;
    alertmanager: string;
    sendsms: string;
    smtp: string;
    harness?: string;
  };
  /** The bearer token Alertmanager and the Grafana app use with the notifier. */
  notifierToken: string;
  /** Where the simulator writes gateway logs and DPSS files. */
  dirs: { logs: string; dpss: string; state: string; journal: string; processLogs: string };
  faults: FaultControl;
  /** SMS received by fakesmsc so far, oldest first. */
  sms(): Array<Seen<ReceivedSms>>;
  /** Mails received by the SMTP server so far, oldest first. */
  mails(): Array<Seen<ReceivedMail>>;
  /** The latest output of every process, by part (for failure messages). */
  logs(): Record<string, string>;
  /** The notifier, which tests crash and restart (same port, same journal). */
  notifier: { kill(signal: NodeJS.Signals): void; restart(): Promise<void> };
  stop(): Promise<void>;
}

// --- the shipped configurations, with only what a run must change ---------------------

type Yaml = Record<string, unknown>;
const asMap = (v: unknown): Yaml => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Yaml) : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Go/Prometheus durations as used in the shipped files (1h30m, 45s, 500ms). */
export function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  let total = 0;
  let rest = text.trim();
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/.exec(rest);
    if (!m) throw new Error(`"${text}" is not a duration like 30s, 5m or 1h30m`);
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** The exporter's embedded defaults, listening where the stack says. */
export function exporterConfig(defaultYaml: string, port: number): string {
  const cfg = asMap(parseYaml(defaultYaml));
  cfg.listen = `127.0.0.1:${port}`;
  return stringifyYaml(cfg);
}

export interface NotifierWiring {
  /** Folder of the shipped notifier.yaml: its relative paths start there. */
  baseDir: string;
  port: number;
  journalDir: string;
  sendsms: { url: string; user: string; password: string };
  smtp: { host: string; port: number };
}

/** The shipped notifier.yaml (teams, retries untouched) wired to this stack's gateways. */
export function notifierConfig(shippedYaml: string, w: NotifierWiring): string {
  const cfg = asMap(parseYaml(shippedYaml));
  const abs = (section: Yaml, key: string) => {
    if (typeof section[key] === 'string') section[key] = resolve(w.baseDir, section[key] as string);
  };
  cfg.listen = { host: '127.0.0.1', port: w.port };
  const auth = (cfg.auth = asMap(cfg.auth));
  abs(auth, 'token_file');
  cfg.journal = { ...asMap(cfg.journal), dir: w.journalDir };
  const sms = asMap(cfg.sms);
  delete sms.password_file;
  cfg.sms = { ...sms, sendsms_url: w.sendsms.url, user: w.sendsms.user, password: w.sendsms.password };
  const email = (cfg.email = { ...asMap(cfg.email), host: w.smtp.host, port: w.smtp.port });
  abs(email, 'password_file');
  return stringifyYaml(cfg);
}

export interface AlertmanagerWiring {
  /** Base URL the receivers post to instead of the shipped notifier address. */
  webhookBase: string;
  maxGroupWait?: string;
  maxGroupInterval?: string;
  openTimeIntervals?: boolean;
}

/** The shipped alertmanager.yml: same routes, receivers pointed at this stack's notifier, timings capped if asked. */
export function alertmanagerConfig(shippedYaml: string, w: AlertmanagerWiring): string {
  const cfg = asMap(parseYaml(shippedYaml));
  for (const receiver of asList(cfg.receivers)) {
    for (const hook of asList(asMap(receiver).webhook_configs)) {
      const h = asMap(hook);
      const shipped = new URL(String(h.url));
      h.url = w.webhookBase.replace(/\/$/, '') + shipped.pathname + shipped.search;
    }
  }
  const cap = (route: Yaml, key: string, max: string | undefined) => {
    if (max === undefined || typeof route[key] !== 'string') return;
    if (durationMs(route[key] as string) > durationMs(max)) route[key] = max;
  };
  const walk = (route: Yaml) => {
    cap(route, 'group_wait', w.maxGroupWait);
    cap(route, 'group_interval', w.maxGroupInterval);
    for (const child of asList(route.routes)) walk(asMap(child));
  };
  walk(asMap(cfg.route));
  if (w.openTimeIntervals) {
    for (const ti of asList(cfg.time_intervals)) asMap(ti).time_intervals = [{ weekdays: ['sunday:saturday'] }];
  }
  return stringifyYaml(cfg);
}

// --- starting and stopping the chain --------------------------------------------------

const NODE = process.execPath;
const USSDWATCH_BIN = join(REPO_ROOT, 'exporter/bin/ussdwatch.js');
const SIMULATE_BIN = join(REPO_ROOT, 'simulator/bin/ussdwatch-simulate.js');

function requireBuilt(file: string, fix: string): void {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`${fix}\` first`);
}

/** Records when each SMS and mail first showed up, polling the sinks (they keep no arrival time). */
function inbox<T>(read: () => T[]): { poll(): void; seen(): Array<Seen<T>> } {
  const seen: Array<Seen<T>> = [];
  return {
    poll() {
      const all = read();
      for (let i = seen.length; i < all.length; i++) seen.push({ ...all[i], seenAt: Date.now() });
    },
    seen() {
      this.poll();
      return [...seen];
    },
  };
}

/**
 * Starts the whole chain. Every process is stopped again if any part fails to come up,
 * and the error says which part and shows its output.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const progress = opts.onProgress ?? (() => {});
  requireBuilt(join(REPO_ROOT, 'exporter/dist/cli/main.js'), 'npm run build -w exporter');
  requireBuilt(join(REPO_ROOT, 'notifier/dist/main.js'), 'npm run build -w notifier');
  requireBuilt(join(REPO_ROOT, 'simulator/dist/cli.js'), 'npm run build -w simulator');
  if (opts.harness) requireBuilt(join(REPO_ROOT, 'grafana-app/.harness-dist/harness.js'), 'npm run build:harness -w grafana-app');

  const ownDir = opts.workDir === undefined;
  const workDir = opts.workDir ? resolve(opts.workDir) : await mkdtemp(join(tmpdir(), 'ussdwatch-stack-'));
  const dirs = {
    logs: join(workDir, 'logs'),
    dpss: join(workDir, 'dpss'),
    state: join(workDir, 'state'),
    journal: join(workDir, 'notifier'),
    processLogs: join(workDir, 'processes'),
    config: join(workDir, 'config'),
  };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  const port = async (part: PartName) => opts.ports?.[part] ?? (await freePort());

  // Stops in reverse start order; collected as parts come up so a failed start cleans up.
  const stoppers: Array<{ name: string; stop: () => Promise<void> }> = [];
  const parts = new Map<string, PartProcess>();
  const launcherLogs = new Map<string, () => string>();
  let polling: NodeJS.Timeout | undefined;
  const stop = async () => {
    if (polling) clearInterval(polling);
    const errors: string[] = [];
    for (const s of stoppers.splice(0).reverse()) {
      await s.stop().catch((err: Error) => errors.push(`${s.name}: ${err.message}`));
    }
    if (ownDir) await rm(workDir, { recursive: true, force: true });
    if (errors.length) throw new Error(`stopping the stack: ${errors.join('; ')}`);
  };
  const logs = () => {
    const out: Record<string, string> = {};
    for (const [name, p] of parts) out[name] = p.output();
    for (const [name, read] of launcherLogs) out[name] = read();
    return out;
  };
  const spawnPart = async (spec: Omit<PartSpec, 'logFile'>) => {
    progress(`starting ${spec.name}`);
    const p = await startPart({ ...spec, logFile: join(dirs.processLogs, `${spec.name}.log`) });
    parts.set(spec.name, p);
    stoppers.push({ name: spec.name, stop: () => p.stop() });
    return p;
  };

  try {
    progress('starting Kannel (bearerbox, smsbox, fakesmsc) and the SMTP server');
    const [kannel, smtp] = await Promise.all([startKannel(), startSmtp()]);
    stoppers.push({ name: 'kannel', stop: () => kannel.stop() }, { name: 'smtp', stop: () => smtp.stop() });
    launcherLogs.set('kannel', () => kannel.logs());
    const sendsmsUrl = opts.interpose?.sendsms ? await opts.interpose.sendsms(kannel.sendsmsUrl) : kannel.sendsmsUrl;

    const notifierPort = await port('notifier');
    const notifierUrl = `http://127.0.0.1:${notifierPort}`;
    const notifierShipped = join(REPO_ROOT, 'notifier/config/notifier.yaml');
    const notifierFile = join(dirs.config, 'notifier.yaml');
    await writeFile(notifierFile, notifierConfig(await readFile(notifierShipped, 'utf8'), {
      baseDir: join(REPO_ROOT, 'notifier/config'),
      port: notifierPort,
      journalDir: dirs.journal,
      sendsms: { url: sendsmsUrl, user: kannel.user, password: kannel.password },
      smtp: { host: smtp.host, port: smtp.port },
    }));
    const notifierToken = (await readFile(join(REPO_ROOT, 'alertmanager/secrets/notifier.token'), 'utf8')).trim();
    const notifierSpec = {
      name: 'notifier',
      cmd: NODE,
      args: [join(REPO_ROOT, 'notifier/dist/main.js'), '--config', notifierFile],
      readyUrl: `${notifierUrl}/ready`,
    };
    let notifier = await spawnPart(notifierSpec);
    const notifierStopper = stoppers[stoppers.length - 1];

    const webhookBase = opts.interpose?.webhook ? await opts.interpose.webhook(notifierUrl) : notifierUrl;
    progress('starting Alertmanager');
    const am = await startAlertmanager({
      baseDir: join(REPO_ROOT, 'alertmanager'),
      config: alertmanagerConfig(await readFile(join(REPO_ROOT, 'alertmanager/alertmanager.yml'), 'utf8'), { webhookBase, ...opts.alertmanager }),
      logLevel: 'info',
    });
    stoppers.push({ name: 'alertmanager', stop: () => am.stop() });
    launcherLogs.set('alertmanager', () => am.process.output());

    const exporterPort = await port('exporter');
    const exporterUrl = `http://127.0.0.1:${exporterPort}`;
    const exporterFile = join(dirs.config, 'exporter.yaml');
    await writeFile(exporterFile, exporterConfig(await readFile(join(REPO_ROOT, 'exporter/config/default.yaml'), 'utf8'), exporterPort));
    const dataEnv = { USSDWATCH_LOG_DIR: dirs.logs, USSDWATCH_DPSS_DIR: dirs.dpss, USSDWATCH_STATE_DIR: dirs.state };
    await spawnPart({ name: 'exporter', cmd: NODE, args: [USSDWATCH_BIN, 'serve', '--config', exporterFile], env: dataEnv, readyUrl: `${exporterUrl}/ready` });

    const sim = opts.simulator ?? {};
    const simulatorPort = await port('simulator');
    const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
    const simArgs = [SIMULATE_BIN, '--out', dirs.logs, '--dpss-dir', dirs.dpss, '--control', `127.0.0.1:${simulatorPort}`];
    if (sim.rate !== undefined) simArgs.push('--rate', String(sim.rate));
    if (sim.seed !== undefined) simArgs.push('--seed', String(sim.seed));
    if (sim.flat) simArgs.push('--flat');
    if (sim.periodS !== undefined) simArgs.push('--period-s', String(sim.periodS));
    if (sim.dpssLagS !== undefined) simArgs.push('--dpss-lag-s', String(sim.dpssLagS));
    await spawnPart({ name: 'simulator', cmd: NODE, args: simArgs, env: dataEnv, readyUrl: `${simulatorUrl}/healthz` });

    // The Grafana app harness serves the app's routes, so alert links can land on it.
    const harnessPort = opts.harness ? await port('harness') : undefined;
    const harnessUrl = harnessPort === undefined ? undefined : `http://127.0.0.1:${harnessPort}`;
    const shippedLabels = asMap(asMap(asMap(parseYaml(await readFile(join(REPO_ROOT, 'prometheus/prometheus.yml'), 'utf8'))).global).external_labels);
    progress('starting Prometheus');
    const prom = await startPrometheus({
      externalLabels: harnessUrl ? { ...(shippedLabels as Record<string, string>), grafana_url: harnessUrl } : undefined,
      workDir: join(workDir, 'prometheus'),
      port: opts.ports?.prometheus,
      targets: { 'ussdwatch-exporter': [`127.0.0.1:${exporterPort}`], 'ussdwatch-notifier': [`127.0.0.1:${notifierPort}`] },
      alertmanagers: [new URL(am.url).host],
      scrapeInterval: opts.prometheus?.scrapeInterval,
      evaluationInterval: opts.prometheus?.evaluationInterval,
    });
    stoppers.push({ name: 'prometheus', stop: () => prom.stop() });
    launcherLogs.set('prometheus', () => prom.output());

    if (harnessUrl) {
      await spawnPart({
        name: 'harness',
        cmd: NODE,
        args: ['--import', 'tsx', join(REPO_ROOT, 'grafana-app/harness/server.ts'), '--port', String(harnessPort), '--prometheus', prom.url, '--alertmanager', am.url, '--exporter', exporterUrl, '--notifier', notifierUrl],
        env: { USSDWATCH_NOTIFIER_TOKEN: notifierToken },
        readyUrl: `${harnessUrl}/`,
      });
    }

    const smsInbox = inbox(() => kannel.received());
    const mailInbox = inbox(() => smtp.received());
    polling = setInterval(() => {
      smsInbox.poll();
      mailInbox.poll();
    }, 100);
    polling.unref();

    return {
      workDir,
      urls: { exporter: exporterUrl, notifier: notifierUrl, simulator: simulatorUrl, prometheus: prom.url, alertmanager: am.url, sendsms: kannel.sendsmsUrl, smtp: `smtp://${smtp.host}:${smtp.port}`, harness: harnessUrl },
      notifierToken,
      dirs: { logs: dirs.logs, dpss: dirs.dpss, state: dirs.state, journal: dirs.journal, processLogs: dirs.processLogs },
      faults: faultControl(simulatorUrl),
      sms: () => smsInbox.seen(),
      mails: () => mailInbox.seen(),
      logs,
      notifier: {
        kill: (signal) => notifier.kill(signal),
        async restart() {
          await notifier.stop();
          notifier = await startPart({ ...notifierSpec, logFile: join(dirs.processLogs, 'notifier.log') });
          parts.set('notifier', notifier);
          notifierStopper.stop = () => notifier.stop();
        },
      },
      stop,
    };
  } catch (err) {
    const message = (err as Error).message;
    await stop().catch(() => {});
    throw new Error(`the stack did not come up: ${message}`);
  }
}
