// The whole ussdwatch chain on loopback, as one object: simulator -> exporter -> Prometheus
// -> Alertmanager -> notifier -> Kannel (fakesmsc) + SMTP, and optionally the Grafana app
// harness. One module for the end-to-end test, `npm start` and the app's browser test, so
// the way the parts are wired together exists exactly once. The files each part reads come
// from wiring.ts, its process from process.ts, its ports from ports.ts.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { faultClient, type FaultClient } from '@ussdwatch/simulator/fault-client.js';
import { startAlertmanager } from './alertmanager.js';
import { requireBuilt, requireChainBuilt, simulatorArgs, startRun, USSDWATCH_BIN, type Seen, type SimulatorOptions } from './chain.js';
import type { ReceivedSms } from './kannel.js';
import { freePort } from './net.js';
import type { PartName } from './ports.js';
import { startPrometheus } from './prometheus.js';
import { REPO_ROOT } from './repo.js';
import type { ReceivedMail } from './smtp.js';
import { makeHistory, type HistoryOptions, type HistoryResult } from './demo-history.js';
import { alertmanagerConfig, exporterConfig, exporterNode, exporterSources, externalLabels, reportsConfig } from './wiring.js';

export type { Seen } from './chain.js';

export interface StackOptions {
  /** Where configs, logs, DPSS files and state go; kept after stop. Default: a temp folder removed on stop. */
  workDir?: string;
  /** Fixed ports (e.g. DEFAULT_PORTS for `npm start`); every part without one gets a free port. */
  ports?: Partial<Record<PartName, number>>;
  simulator?: SimulatorOptions;
  /** Top-level keys of the exporter's config set over its shipped defaults (e.g. `learn`, `status_map`; absolute paths). */
  exporterSettings?: Record<string, unknown>;
  /** Prometheus scrape and rule evaluation intervals (the shipped ones when absent). */
  prometheus?: { scrapeInterval?: string; evaluationInterval?: string };
  alertmanager?: {
    /** Caps on every route's group_wait / group_interval: lowers slower tiers, never raises a faster one. */
    maxGroupWait?: string;
    maxGroupInterval?: string;
  };
  /** Opens the notifier's business hours around the clock, so tier-1 mail is observable any day (it is held outside them). */
  openBusinessHours?: boolean;
  /** Puts something between two parts: gets the real URL, returns the one the caller should use. */
  interpose?: {
    /** Between Alertmanager and the notifier (base URL, without /webhook/...). */
    webhook?: (notifierUrl: string) => Promise<string>;
    /** Between the notifier and Kannel's sendsms. */
    sendsms?: (sendsmsUrl: string) => Promise<string>;
  };
  /** Also start the Grafana app harness (needs `npm run build:harness -w grafana-app` first). */
  harness?: boolean;
  /** Also start the report service (`ussdwatch report serve`, needs `npm run build -w reports`): schedule, archive, API; the harness proxies to it. */
  reports?: boolean;
  /**
   * Also make yesterday (Algiers midnight to now) in the background once the stack is up, as an
   * operator backfills (demo-history.ts); the report service then retries every minute, not
   * every 10, so yesterday's scheduled report goes out minutes after the history lands.
   */
  history?: HistoryOptions;
  /** The notifier's on-call file instead of the shipped notifier/config/oncall.yaml (e.g. shorter escalation delays). */
  oncallFile?: string;
  /** Numbers starting with this cannot be delivered (Kannel answers "not routable", the delivery report says failed). */
  undeliverablePrefix?: string;
  /** Progress messages ("starting Prometheus..."). */
  onProgress?: (message: string) => void;
}

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
    reports?: string;
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
  /** A reply typed on a phone, sent through fakesmsc and Kannel's MO path to the notifier. */
  sendMo(from: string, text: string): Promise<void>;
  /** With `history`: settles once Prometheus holds yesterday (or says why it does not). */
  history?: Promise<HistoryResult>;
  /** Stops every process of the stack (each whole process group), in reverse start order. */
  stop(): Promise<void>;
}

/**
 * Starts the whole chain. Every process is stopped again if any part fails to come up,
 * and the error says which part and shows its output.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const progress = opts.onProgress ?? (() => {});
  requireChainBuilt();
  if (opts.harness) requireBuilt(join(REPO_ROOT, 'grafana-app/.harness-dist/harness.js'), 'npm run build:harness -w grafana-app');
  if (opts.reports) requireBuilt(join(REPO_ROOT, 'reports/dist/cli.js'), 'npm run build -w reports');

  const run = await startRun(opts.workDir, 'ussdwatch-stack-', progress);
  const { workDir, dirs, parts, stop } = run;
  const port = async (part: PartName) => opts.ports?.[part] ?? (await freePort());

  try {
    // Alertmanager first: the notifier silences acknowledged incidents in it.
    const notifierPort = await port('notifier');
    const notifierUrl = `http://127.0.0.1:${notifierPort}`;
    const webhookBase = opts.interpose?.webhook ? await opts.interpose.webhook(notifierUrl) : notifierUrl;
    progress('starting Alertmanager');
    const am = await startAlertmanager({
      baseDir: join(REPO_ROOT, 'alertmanager'),
      config: alertmanagerConfig(await readFile(join(REPO_ROOT, 'alertmanager/alertmanager.yml'), 'utf8'), { webhookBase, ...opts.alertmanager }),
      logLevel: 'info',
    });
    parts.add('alertmanager', { stop: () => am.stop(), output: () => am.process.output() });

    const messaging = await run.messaging({
      notifierPort,
      interposeSendsms: opts.interpose?.sendsms,
      alertmanagerUrls: [am.url],
      oncallFile: opts.oncallFile,
      openBusinessHours: opts.openBusinessHours,
      undeliverablePrefix: opts.undeliverablePrefix,
    });
    const { notifierToken } = messaging;

    const exporterPort = await port('exporter');
    const exporterUrl = `http://127.0.0.1:${exporterPort}`;
    const exporterFile = join(dirs.config, 'exporter.yaml');
    const exporterDefaults = await readFile(join(REPO_ROOT, 'exporter/config/default.yaml'), 'utf8');
    await writeFile(exporterFile, exporterConfig(exporterDefaults, exporterPort, opts.exporterSettings));
    const dataEnv = { USSDWATCH_LOG_DIR: dirs.logs, USSDWATCH_DPSS_DIR: dirs.dpss, USSDWATCH_STATE_DIR: dirs.state };
    await parts.spawn('exporter', [USSDWATCH_BIN, 'serve', '--config', exporterFile], { env: dataEnv, readyUrl: `${exporterUrl}/ready` });

    const simulatorUrl = `http://127.0.0.1:${await port('simulator')}`;
    await parts.spawn('simulator', simulatorArgs(opts.simulator ?? {}, dirs, simulatorUrl), { env: dataEnv, readyUrl: `${simulatorUrl}/healthz` });

    // The Grafana app harness serves the app's routes, so alert links can land on it.
    const harnessUrl = opts.harness ? `http://127.0.0.1:${await port('harness')}` : undefined;
    progress('starting Prometheus');
    const liveFromMs = Date.now();
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

    let reportsUrl: string | undefined;
    if (opts.reports) {
      const reportsPort = await port('reports');
      reportsUrl = `http://127.0.0.1:${reportsPort}`;
      const scheduleFile = join(dirs.config, 'report-schedule.yaml');
      const wiring = {
        port: reportsPort,
        prometheusUrl: prom.url,
        notifierUrl,
        notifierConfigFile: join(dirs.config, 'notifier.yaml'),
        notifierTokenFile: join(REPO_ROOT, 'alertmanager/secrets/notifier.token'),
        archiveDir: join(workDir, 'reports'),
        retryMinutes: opts.history ? 1 : undefined,
      };
      await writeFile(scheduleFile, reportsConfig(await readFile(join(REPO_ROOT, 'reports/config/schedule.yaml'), 'utf8'), wiring));
      await parts.spawn('reports', [join(REPO_ROOT, 'reports/bin/ussdwatch-report.js'), 'serve', '--config', scheduleFile], { readyUrl: `${reportsUrl}/healthz` });
    }

    if (harnessUrl) {
      await parts.spawn(
        'harness',
        ['--import', 'tsx', join(REPO_ROOT, 'grafana-app/harness/server.ts'), '--port', new URL(harnessUrl).port, '--prometheus', prom.url, '--alertmanager', am.url, '--exporter', exporterUrl, '--notifier', notifierUrl, ...(reportsUrl ? ['--reports', reportsUrl] : [])],
        { env: { USSDWATCH_NOTIFIER_TOKEN: notifierToken }, readyUrl: `${harnessUrl}/` },
      );
    }

    let history: Promise<HistoryResult> | undefined;
    if (opts.history) {
      progress('making yesterday in the background (simulator --fast, then ussdwatch backfill)');
      const h = makeHistory(
        {
          dir: join(workDir, 'history'),
          exporterFile,
          sources: exporterSources(exporterDefaults),
          prometheusDataDir: join(workDir, 'prometheus', 'data'),
          prometheusUrl: prom.url,
          untilMs: liveFromMs,
          reportsUrl,
          logFile: join(dirs.processLogs, 'history.log'),
        },
        opts.history,
      );
      parts.add('history', { stop: () => h.stop() });
      history = h.done;
      // Whoever awaits it hears a failure; nobody listening must not crash the process.
      history.catch(() => {});
    }

    return {
      workDir,
      urls: { exporter: exporterUrl, notifier: notifierUrl, simulator: simulatorUrl, prometheus: prom.url, alertmanager: am.url, sendsms: messaging.sendsmsUrl, smtp: messaging.smtpUrl, harness: harnessUrl, reports: reportsUrl },
      notifierToken,
      dirs: { logs: dirs.logs, dpss: dirs.dpss, state: dirs.state, journal: dirs.journal, processLogs: dirs.processLogs },
      faults: faultClient(simulatorUrl),
      sms: messaging.sms,
      mails: messaging.mails,
      logs: () => parts.logs(),
      notifier: messaging.notifier,
      sendMo: messaging.sendMo,
      history,
      stop,
    };
  } catch (err) {
    const message = (err as Error).message;
    await stop().catch(() => {});
    throw new Error(`the stack did not come up: ${message}`);
  }
}
