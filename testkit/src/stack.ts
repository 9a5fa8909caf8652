// The whole ussdwatch chain on loopback, as one object: simulator -> exporter -> Prometheus
// -> Alertmanager -> notifier -> Kannel (fakesmsc) + SMTP, and optionally the Grafana app
// harness. One module for the end-to-end test, `npm start` and the app's browser test, so
// the way the parts are wired together exists exactly once. The files each part reads come
// from wiring.ts, its process from process.ts, its ports from ports.ts.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { faultClient, type FaultClient } from '@ussdwatch/simulator/fault-client.js';
import { startAlertmanager } from './alertmanager.js';
import { startKannel, type ReceivedSms } from './kannel.js';
import { freePort } from './net.js';
import type { PartName } from './ports.js';
import { startProcess, type RunningProcess } from './process.js';
import { startPrometheus } from './prometheus.js';
import { REPO_ROOT } from './repo.js';
import { startSmtp, type ReceivedMail } from './smtp.js';
import { alertmanagerConfig, exporterConfig, exporterNode, externalLabels, notifierConfig } from './wiring.js';

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
  /** The simulator's control endpoint. */
  faults: FaultClient;
  /** SMS received by fakesmsc so far, oldest first. */
  sms(): Array<Seen<ReceivedSms>>;
  /** Mails received by the SMTP server so far, oldest first. */
  mails(): Array<Seen<ReceivedMail>>;
  /** The latest output of every process, by part (for failure messages). */
  logs(): Record<string, string>;
  /** The notifier, which tests crash and restart (same port, same journal). */
  notifier: { kill(signal: NodeJS.Signals): void; restart(): Promise<void> };
  /** Stops every process of the stack (each whole process group), in reverse start order. */
  stop(): Promise<void>;
}

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

interface Part {
  stop(): Promise<void>;
  /** What it said so far, for failure messages. */
  output?(): string;
}

/**
 * The parts started so far, by name, in start order: a failed start stops what came up,
 * and stop() goes in reverse. Programs of the chain itself run from the repository with
 * their output mirrored to processLogs/<name>.log.
 */
class Parts {
  private readonly parts = new Map<string, Part>();

  constructor(private readonly processLogs: string, private readonly progress: (m: string) => void) {}

  add(name: string, part: Part): void {
    this.parts.set(name, part);
  }

  async spawn(name: string, args: string[], opts: { env?: NodeJS.ProcessEnv; readyUrl: string }): Promise<RunningProcess> {
    this.progress(`starting ${name}`);
    const proc = await startProcess(NODE, args, {
      name,
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env },
      readyUrl: opts.readyUrl,
      readyTimeoutMs: 30_000,
      logFile: join(this.processLogs, `${name}.log`),
    });
    // Replacing a part (a restart) keeps its place in the stop order.
    this.add(name, { stop: () => proc.stop(), output: () => proc.output() });
    return proc;
  }

  logs(): Record<string, string> {
    return Object.fromEntries([...this.parts].filter(([, p]) => p.output).map(([name, p]) => [name, p.output!()]));
  }

  async stop(): Promise<void> {
    const errors: string[] = [];
    for (const [name, p] of [...this.parts].reverse()) await p.stop().catch((err: Error) => errors.push(`${name}: ${err.message}`));
    this.parts.clear();
    if (errors.length) throw new Error(`stopping the stack: ${errors.join('; ')}`);
  }
}

/**
 * Starts the whole chain. Every process is stopped again if any part fails to come up,
 * and the error says which part and shows its output.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const progress = opts.onProgress ?? (() => {});
  requireBuilt(join(REPO_ROOT, 'common/dist/http.js'), 'npm run build -w common');
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
  const parts = new Parts(dirs.processLogs, progress);
  let polling: NodeJS.Timeout | undefined;
  const stop = async () => {
    if (polling) clearInterval(polling);
    try {
      await parts.stop();
    } finally {
      if (ownDir) await rm(workDir, { recursive: true, force: true });
    }
  };

  try {
    progress('starting Kannel (bearerbox, smsbox, fakesmsc) and the SMTP server');
    const [kannel, smtp] = await Promise.all([startKannel(), startSmtp()]);
    parts.add('kannel', { stop: () => kannel.stop(), output: () => kannel.logs() });
    parts.add('smtp', { stop: () => smtp.stop() });
    const sendsmsUrl = opts.interpose?.sendsms ? await opts.interpose.sendsms(kannel.sendsmsUrl) : kannel.sendsmsUrl;

    const notifierPort = await port('notifier');
    const notifierUrl = `http://127.0.0.1:${notifierPort}`;
    const notifierFile = join(dirs.config, 'notifier.yaml');
    await writeFile(notifierFile, notifierConfig(await readFile(join(REPO_ROOT, 'notifier/config/notifier.yaml'), 'utf8'), {
      baseDir: join(REPO_ROOT, 'notifier/config'),
      port: notifierPort,
      journalDir: dirs.journal,
      sendsms: { url: sendsmsUrl, user: kannel.user, password: kannel.password },
      smtp: { host: smtp.host, port: smtp.port },
    }));
    const notifierToken = (await readFile(join(REPO_ROOT, 'alertmanager/secrets/notifier.token'), 'utf8')).trim();
    const startNotifier = () => parts.spawn('notifier', [join(REPO_ROOT, 'notifier/dist/main.js'), '--config', notifierFile], { readyUrl: `${notifierUrl}/ready` });
    let notifier = await startNotifier();

    const webhookBase = opts.interpose?.webhook ? await opts.interpose.webhook(notifierUrl) : notifierUrl;
    progress('starting Alertmanager');
    const am = await startAlertmanager({
      baseDir: join(REPO_ROOT, 'alertmanager'),
      config: alertmanagerConfig(await readFile(join(REPO_ROOT, 'alertmanager/alertmanager.yml'), 'utf8'), { webhookBase, ...opts.alertmanager }),
      logLevel: 'info',
    });
    parts.add('alertmanager', { stop: () => am.stop(), output: () => am.process.output() });

    const exporterPort = await port('exporter');
    const exporterUrl = `http://127.0.0.1:${exporterPort}`;
    const exporterFile = join(dirs.config, 'exporter.yaml');
    const exporterDefaults = await readFile(join(REPO_ROOT, 'exporter/config/default.yaml'), 'utf8');
    await writeFile(exporterFile, exporterConfig(exporterDefaults, exporterPort));
    const dataEnv = { USSDWATCH_LOG_DIR: dirs.logs, USSDWATCH_DPSS_DIR: dirs.dpss, USSDWATCH_STATE_DIR: dirs.state };
    await parts.spawn('exporter', [USSDWATCH_BIN, 'serve', '--config', exporterFile], { env: dataEnv, readyUrl: `${exporterUrl}/ready` });

    const sim = opts.simulator ?? {};
    const simulatorUrl = `http://127.0.0.1:${await port('simulator')}`;
    const simArgs = [SIMULATE_BIN, '--out', dirs.logs, '--dpss-dir', dirs.dpss, '--control', new URL(simulatorUrl).host];
    if (sim.rate !== undefined) simArgs.push('--rate', String(sim.rate));
    if (sim.seed !== undefined) simArgs.push('--seed', String(sim.seed));
    if (sim.flat) simArgs.push('--flat');
    if (sim.periodS !== undefined) simArgs.push('--period-s', String(sim.periodS));
    if (sim.dpssLagS !== undefined) simArgs.push('--dpss-lag-s', String(sim.dpssLagS));
    await parts.spawn('simulator', simArgs, { env: dataEnv, readyUrl: `${simulatorUrl}/healthz` });

    // The Grafana app harness serves the app's routes, so alert links can land on it.
    const harnessUrl = opts.harness ? `http://127.0.0.1:${await port('harness')}` : undefined;
    progress('starting Prometheus');
    const prom = await startPrometheus({
      externalLabels: harnessUrl ? externalLabels(await readFile(join(REPO_ROOT, 'prometheus/prometheus.yml'), 'utf8'), { grafana_url: harnessUrl }) : undefined,
      workDir: join(workDir, 'prometheus'),
      port: opts.ports?.prometheus,
      targets: {
        'ussdwatch-exporter': [{ targets: [`127.0.0.1:${exporterPort}`], labels: { node: exporterNode(exporterDefaults) } }],
        'ussdwatch-notifier': [`127.0.0.1:${notifierPort}`],
      },
      alertmanagers: [new URL(am.url).host],
      scrapeInterval: opts.prometheus?.scrapeInterval,
      evaluationInterval: opts.prometheus?.evaluationInterval,
    });
    parts.add('prometheus', { stop: () => prom.stop(), output: () => prom.output() });

    if (harnessUrl) {
      await parts.spawn(
        'harness',
        ['--import', 'tsx', join(REPO_ROOT, 'grafana-app/harness/server.ts'), '--port', new URL(harnessUrl).port, '--prometheus', prom.url, '--alertmanager', am.url, '--exporter', exporterUrl, '--notifier', notifierUrl],
        { env: { USSDWATCH_NOTIFIER_TOKEN: notifierToken }, readyUrl: `${harnessUrl}/` },
      );
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
      faults: faultClient(simulatorUrl),
      sms: () => smsInbox.seen(),
      mails: () => mailInbox.seen(),
      logs: () => parts.logs(),
      notifier: {
        kill: (signal) => notifier.kill(signal),
        async restart() {
          await notifier.stop();
          notifier = await startNotifier();
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
