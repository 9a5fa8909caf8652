// What the single-machine stack (stack.ts) and the HA topology (ha-stack.ts) start the
// same way: the bookkeeping of started parts, and the message end of the chain (Kannel
// with fakesmsc, the SMTP sink, the notifier wired to both), so each exists once.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startKannel, type ReceivedSms } from './kannel.js';
import { freePort } from './net.js';
import { startProcess, type RunningProcess } from './process.js';
import { REPO_ROOT } from './repo.js';
import { startSmtp, type ReceivedMail } from './smtp.js';
import { notifierConfig, openBusinessHours } from './wiring.js';

/** A mail as the SMTP server got it, or an SMS as fakesmsc got it, with the moment the stack first saw it. */
export type Seen<T> = T & { seenAt: number };

export const NODE = process.execPath;
export const USSDWATCH_BIN = join(REPO_ROOT, 'exporter/bin/ussdwatch.js');
export const SIMULATE_BIN = join(REPO_ROOT, 'simulator/bin/ussdwatch-simulate.js');

export function requireBuilt(file: string, fix: string): void {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`${fix}\` first`);
}

/** The builds every stack runs from. */
export function requireChainBuilt(): void {
  requireBuilt(join(REPO_ROOT, 'common/dist/http.js'), 'npm run build -w common');
  requireBuilt(join(REPO_ROOT, 'exporter/dist/cli/main.js'), 'npm run build -w exporter');
  requireBuilt(join(REPO_ROOT, 'notifier/dist/main.js'), 'npm run build -w notifier');
  requireBuilt(join(REPO_ROOT, 'simulator/dist/cli.js'), 'npm run build -w simulator');
}

export interface SimulatorOptions {
  /** Dialogs per second at the evening peak (default 200). */
  rate?: number;
  seed?: number;
  /** Same rate all day instead of the daily curve. */
  flat?: boolean;
  /** DPSS period and the delay after its end before its file is written (defaults: 300 and 180). */
  periodS?: number;
  dpssLagS?: number;
  /** Gateway nodes as node:format (the simulator's --nodes; default its four). */
  nodes?: string[];
}

/** The simulator's command line: logs and DPSS files where the exporters read them, control on simulatorUrl. */
export function simulatorArgs(sim: SimulatorOptions, dirs: { logs: string; dpss: string }, simulatorUrl: string): string[] {
  const args = [SIMULATE_BIN, '--out', dirs.logs, '--dpss-dir', dirs.dpss, '--control', new URL(simulatorUrl).host];
  if (sim.rate !== undefined) args.push('--rate', String(sim.rate));
  if (sim.seed !== undefined) args.push('--seed', String(sim.seed));
  if (sim.flat) args.push('--flat');
  if (sim.periodS !== undefined) args.push('--period-s', String(sim.periodS));
  if (sim.dpssLagS !== undefined) args.push('--dpss-lag-s', String(sim.dpssLagS));
  if (sim.nodes?.length) args.push('--nodes', sim.nodes.join(','));
  return args;
}

/** Records when each SMS and mail first showed up, polling the sinks (they keep no arrival time). */
export function inbox<T>(read: () => T[]): { poll(): void; seen(): Array<Seen<T>> } {
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
  /** Its process, for measuring it (the capacity run). */
  pid?: number;
}

/**
 * The parts started so far, by name, in start order: a failed start stops what came up,
 * and stop() goes in reverse. Programs of the chain itself run from the repository with
 * their output mirrored to processLogs/<name>.log.
 */
export class Parts {
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
    this.add(name, { stop: () => proc.stop(), output: () => proc.output(), pid: proc.child.pid });
    return proc;
  }

  /** The process of each part started as one process, by name. */
  pids(): Record<string, number> {
    return Object.fromEntries([...this.parts].filter(([, p]) => p.pid !== undefined).map(([name, p]) => [name, p.pid!]));
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

export interface Messaging {
  notifierUrl: string;
  /** The bearer token Alertmanager and the Grafana app use with the notifier. */
  notifierToken: string;
  sendsmsUrl: string;
  smtpUrl: string;
  sms(): Array<Seen<ReceivedSms>>;
  mails(): Array<Seen<ReceivedMail>>;
  /** The notifier, which tests crash and restart (same port, same journal). */
  notifier: { kill(signal: NodeJS.Signals): void; restart(): Promise<void> };
  /** A reply typed on a phone, sent through fakesmsc and Kannel's MO path to the notifier. */
  sendMo(from: string, text: string): Promise<void>;
  /** Stops polling the sinks (the processes are in Parts). */
  close(): void;
}

export interface MessagingOptions {
  parts: Parts;
  progress: (m: string) => void;
  /** A fixed port (npm start); a free one when absent. */
  notifierPort?: number;
  /** The notifier's config file (written here) and its journal folder. */
  configFile: string;
  journalDir: string;
  /** Between the notifier and Kannel's sendsms: gets the real URL, returns the one the notifier should use. */
  interposeSendsms?: (sendsmsUrl: string) => Promise<string>;
  /** The Alertmanager (every peer of a cluster) the notifier silences acknowledged incidents in. */
  alertmanagerUrls: string[];
  /** The notifier's on-call file instead of the shipped notifier/config/oncall.yaml. */
  oncallFile?: string;
  /** Business hours every day, all day, in (a copy of) that file: tier-1 mail observable whenever a test runs. */
  openBusinessHours?: boolean;
  /** Numbers starting with this cannot be delivered (Kannel's delivery report says failed). */
  undeliverablePrefix?: string;
}

/** Kannel (fakesmsc) and the SMTP sink, then the shipped notifier wired to them. */
export async function startMessaging(o: MessagingOptions): Promise<Messaging> {
  const notifierPort = o.notifierPort ?? (await freePort());
  const notifierUrl = `http://127.0.0.1:${notifierPort}`;
  // Kannel forwards replies to the notifier (its sms-service), with the callback token.
  const callbackToken = (await readFile(join(REPO_ROOT, 'notifier/config/secrets/kannel-callback.token'), 'utf8')).trim();
  o.progress('starting Kannel (bearerbox, smsbox, fakesmsc) and the SMTP server');
  const [kannel, smtp] = await Promise.all([
    startKannel({ moUrl: `${notifierUrl}/api/sms/mo?token=${encodeURIComponent(callbackToken)}`, undeliverablePrefix: o.undeliverablePrefix }),
    startSmtp(),
  ]);
  o.parts.add('kannel', { stop: () => kannel.stop(), output: () => kannel.logs() });
  o.parts.add('smtp', { stop: () => smtp.stop() });
  const sendsmsUrl = o.interposeSendsms ? await o.interposeSendsms(kannel.sendsmsUrl) : kannel.sendsmsUrl;
  let oncallFile = o.oncallFile;
  if (o.openBusinessHours) {
    oncallFile = join(dirname(o.configFile), 'oncall-open.yaml');
    await writeFile(oncallFile, openBusinessHours(await readFile(o.oncallFile ?? join(REPO_ROOT, 'notifier/config/oncall.yaml'), 'utf8')));
  }

  await writeFile(o.configFile, notifierConfig(await readFile(join(REPO_ROOT, 'notifier/config/notifier.yaml'), 'utf8'), {
    baseDir: join(REPO_ROOT, 'notifier/config'),
    port: notifierPort,
    journalDir: o.journalDir,
    sendsms: { url: sendsmsUrl, user: kannel.user, password: kannel.password },
    smtp: { host: smtp.host, port: smtp.port },
    alertmanagerUrls: o.alertmanagerUrls,
    oncallFile,
  }));
  const notifierToken = (await readFile(join(REPO_ROOT, 'alertmanager/secrets/notifier.token'), 'utf8')).trim();
  const startNotifier = () => o.parts.spawn('notifier', [join(REPO_ROOT, 'notifier/dist/main.js'), '--config', o.configFile], { readyUrl: `${notifierUrl}/ready` });
  let notifier = await startNotifier();

  const smsInbox = inbox(() => kannel.received());
  const mailInbox = inbox(() => smtp.received());
  const polling = setInterval(() => {
    smsInbox.poll();
    mailInbox.poll();
  }, 100);
  polling.unref();

  return {
    notifierUrl,
    notifierToken,
    sendsmsUrl: kannel.sendsmsUrl,
    smtpUrl: `smtp://${smtp.host}:${smtp.port}`,
    sms: () => smsInbox.seen(),
    mails: () => mailInbox.seen(),
    sendMo: (from, text) => kannel.sendMo(from, text),
    notifier: {
      kill: (signal) => notifier.kill(signal),
      async restart() {
        await notifier.stop();
        notifier = await startNotifier();
      },
    },
    close: () => clearInterval(polling),
  };
}

/** Where a run keeps its files, each in its folder under the work folder. */
export interface RunDirs {
  logs: string;
  dpss: string;
  state: string;
  journal: string;
  processLogs: string;
  config: string;
}

export interface Run {
  workDir: string;
  dirs: RunDirs;
  parts: Parts;
  /** Starts the message end of the chain (startMessaging) with this run's files; stop() closes it. */
  messaging(o: Omit<MessagingOptions, 'parts' | 'progress' | 'configFile' | 'journalDir'>): Promise<Messaging>;
  /** Stops every part in reverse order, and removes the work folder when the run made it. */
  stop(): Promise<void>;
}

/** The folders and the part bookkeeping of one stack: workDir is kept; without it, a temp folder removed on stop. */
export async function startRun(workDir: string | undefined, tempPrefix: string, progress: (m: string) => void): Promise<Run> {
  const dir = workDir ? resolve(workDir) : await mkdtemp(join(tmpdir(), tempPrefix));
  const dirs: RunDirs = {
    logs: join(dir, 'logs'),
    dpss: join(dir, 'dpss'),
    state: join(dir, 'state'),
    journal: join(dir, 'notifier'),
    processLogs: join(dir, 'processes'),
    config: join(dir, 'config'),
  };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  const parts = new Parts(dirs.processLogs, progress);
  let messaging: Messaging | undefined;
  return {
    workDir: dir,
    dirs,
    parts,
    async messaging(o) {
      messaging = await startMessaging({ ...o, parts, progress, configFile: join(dirs.config, 'notifier.yaml'), journalDir: dirs.journal });
      return messaging;
    },
    async stop() {
      messaging?.close();
      try {
        await parts.stop();
      } finally {
        if (!workDir) await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
