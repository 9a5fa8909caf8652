// The HA topology on loopback (docs/ha.md): the simulator's gateway nodes, one exporter
// per node, a Prometheus pair (same targets, `replica` a|b and a `cluster` external label,
// both evaluating the rules, both alerting every Alertmanager), an Alertmanager cluster
// gossiping on 127.0.0.1 with the shipped routes, the notifier, and VictoriaMetrics
// receiving remote_write from both replicas, deduplicated. For the `ha` suite and
// `npm start -- --ha`; the single-machine chain stays in stack.ts.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { faultClient, type FaultClient } from '@ussdwatch/simulator/fault-client.js';
import { parse as parseYaml } from 'yaml';
import { startAlertmanager, type RunningAlertmanager } from './alertmanager.js';
import { requireChainBuilt, simulatorArgs, startRun, USSDWATCH_BIN, type Messaging, type Seen, type SimulatorOptions } from './chain.js';
import { nodeExporterConfig, pipelineTargets, REPLICA_LABEL, replicaLabels } from './ha-wiring.js';
import type { ReceivedSms } from './kannel.js';
import { freePort } from './net.js';
import type { RunningProcess } from './process.js';
import { startPrometheus, type RunningPrometheus } from './prometheus.js';
import { REPO_ROOT } from './repo.js';
import type { ReceivedMail } from './smtp.js';
import { startVictoriaMetrics } from './victoria.js';
import { alertmanagerConfig } from './wiring.js';

const DEFAULT_NODES = ['gw01:cdr', 'gw02:cdr-local', 'gw03:json', 'gw04:cdr'];
const REPLICAS = ['a', 'b'];

export interface HaStackOptions {
  /** Where configs, logs, state and data go; kept after stop. Default: a temp folder removed on stop. */
  workDir?: string;
  /** Fixed ports for `npm start -- --ha`; free ports otherwise. Replica b and the exporters always take free ports. */
  ports?: { notifier?: number; simulator?: number; prometheus?: number; store?: number };
  /** The simulator; its nodes (node:format) are also the exporters, one each. */
  simulator?: SimulatorOptions;
  /** Alertmanager peers (default 3). */
  alertmanagerPeers?: number;
  /** The pair's name, the `cluster` external label of both replicas. */
  cluster?: string;
  prometheus?: { scrapeInterval?: string; evaluationInterval?: string };
  alertmanager?: { maxGroupWait?: string; maxGroupInterval?: string; peerTimeout?: string };
  onProgress?: (message: string) => void;
}

/** One replica or peer, which the HA suite kills. */
export interface Member {
  name: string;
  url: string;
  kill(signal: NodeJS.Signals): void;
  exited(): boolean;
}

export interface HaStack {
  workDir: string;
  urls: {
    /** By node. */
    exporters: Record<string, string>;
    notifier: string;
    simulator: string;
    prometheus: string[];
    alertmanagers: string[];
    /** VictoriaMetrics: Prometheus query API under /api/v1. */
    store: string;
    sendsms: string;
    smtp: string;
  };
  notifierToken: string;
  dirs: { logs: string; dpss: string; journal: string; processLogs: string };
  faults: FaultClient;
  prometheus: Member[];
  alertmanagers: Member[];
  notifier: Messaging['notifier'];
  sms(): Array<Seen<ReceivedSms>>;
  mails(): Array<Seen<ReceivedMail>>;
  logs(): Record<string, string>;
  /** The process of each part, by name (exporter-gw01, prometheus-a, victoria-metrics...). */
  pids(): Record<string, number>;
  stop(): Promise<void>;
}

const member = (name: string, url: string, proc: RunningProcess): Member => ({ name, url, kill: (s) => proc.kill(s), exited: () => proc.exited() });
const nodeName = (spec: string) => spec.split(':')[0];

/** Starts the topology; whatever came up is stopped again if a part fails, and the error names it. */
export async function startHaStack(opts: HaStackOptions = {}): Promise<HaStack> {
  const progress = opts.onProgress ?? (() => {});
  requireChainBuilt();
  const run = await startRun(opts.workDir, 'ussdwatch-ha-', progress);
  const { workDir, dirs, parts, stop } = run;

  try {
    // The Alertmanager cluster first: the notifier silences acknowledged incidents in it.
    const notifierPort = opts.ports?.notifier ?? (await freePort());
    const notifierUrl = `http://127.0.0.1:${notifierPort}`;
    const peers = opts.alertmanagerPeers ?? 3;
    progress(`starting an Alertmanager cluster of ${peers} peers`);
    const { peerTimeout, ...caps } = opts.alertmanager ?? {};
    const amConfig = alertmanagerConfig(await readFile(join(REPO_ROOT, 'alertmanager/alertmanager.yml'), 'utf8'), { webhookBase: notifierUrl, ...caps });
    const ams: RunningAlertmanager[] = [];
    for (let i = 0; i < peers; i++) {
      // Every peer joins through the first; gossip then connects them all.
      const am = await startAlertmanager({ baseDir: join(REPO_ROOT, 'alertmanager'), config: amConfig, peers: ams.length ? [ams[0].clusterAddress!] : [], peerTimeout, logLevel: 'info' });
      ams.push(am);
      parts.add(`alertmanager-${i + 1}`, { stop: () => am.stop(), output: () => am.process.output(), pid: am.process.child.pid });
    }
    const messaging = await run.messaging({ notifierPort, alertmanagerUrls: ams.map((am) => am.url) });

    const shippedGlobal = (parseYaml(await readFile(join(REPO_ROOT, 'prometheus/prometheus.yml'), 'utf8')) as { global: { scrape_interval: string; external_labels?: Record<string, string> } }).global;
    const scrapeInterval = opts.prometheus?.scrapeInterval ?? shippedGlobal.scrape_interval;
    progress('starting VictoriaMetrics');
    const store = await startVictoriaMetrics({ dedupInterval: scrapeInterval, replicaLabels: [REPLICA_LABEL], port: opts.ports?.store, workDir: join(workDir, 'victoria-metrics') });
    parts.add('victoria-metrics', { stop: () => store.stop(), output: () => store.output(), pid: store.process.child.pid });

    const nodes = opts.simulator?.nodes ?? DEFAULT_NODES;
    const defaultExporter = await readFile(join(REPO_ROOT, 'exporter/config/default.yaml'), 'utf8');
    const dataEnv = { USSDWATCH_LOG_DIR: dirs.logs, USSDWATCH_DPSS_DIR: dirs.dpss };
    const exporters: Record<string, string> = {};
    // Started together: each waits only for its own readiness.
    await Promise.all(nodes.map(async (spec, i) => {
      const node = nodeName(spec);
      const port = await freePort();
      const file = join(dirs.config, `exporter-${node}.yaml`);
      await writeFile(file, nodeExporterConfig(defaultExporter, { port, node, logFile: join(dirs.logs, `${node}.log`), stateDir: join(dirs.state, node), dpss: i === 0 }));
      exporters[node] = `http://127.0.0.1:${port}`;
      await parts.spawn(`exporter-${node}`, [USSDWATCH_BIN, 'serve', '--config', file], { env: dataEnv, readyUrl: `${exporters[node]}/ready` });
    }));

    const simulatorUrl = `http://127.0.0.1:${opts.ports?.simulator ?? (await freePort())}`;
    await parts.spawn('simulator', simulatorArgs({ ...opts.simulator, nodes }, dirs, simulatorUrl), { env: dataEnv, readyUrl: `${simulatorUrl}/healthz` });

    // Both ports first: each replica scrapes the other.
    const promPorts = [opts.ports?.prometheus ?? (await freePort()), await freePort()];
    const pipeline = pipelineTargets(
      REPLICAS.map((name, i) => ({ name, address: `127.0.0.1:${promPorts[i]}` })),
      ams.map((am, i) => ({ name: `alertmanager-${i + 1}`, address: new URL(am.url).host })),
    );
    const proms: RunningPrometheus[] = [];
    for (const [i, replica] of REPLICAS.entries()) {
      progress(`starting Prometheus replica ${replica}`);
      const prom = await startPrometheus({
        externalLabels: replicaLabels(shippedGlobal.external_labels ?? {}, opts.cluster ?? 'ussdwatch', replica),
        dropFromAlerts: [REPLICA_LABEL],
        remoteWrite: [store.remoteWriteUrl],
        workDir: join(workDir, `prometheus-${replica}`),
        port: promPorts[i],
        targets: {
          'ussdwatch-exporter': Object.entries(exporters).map(([node, url]) => ({ targets: [new URL(url).host], labels: { node } })),
          'ussdwatch-notifier': [new URL(messaging.notifierUrl).host],
          ...pipeline,
        },
        alertmanagers: ams.map((am) => new URL(am.url).host),
        scrapeInterval: opts.prometheus?.scrapeInterval,
        evaluationInterval: opts.prometheus?.evaluationInterval,
      });
      proms.push(prom);
      parts.add(`prometheus-${replica}`, { stop: () => prom.stop(), output: () => prom.output(), pid: prom.process.child.pid });
    }

    return {
      workDir,
      urls: {
        exporters,
        notifier: messaging.notifierUrl,
        simulator: simulatorUrl,
        prometheus: proms.map((p) => p.url),
        alertmanagers: ams.map((a) => a.url),
        store: store.url,
        sendsms: messaging.sendsmsUrl,
        smtp: messaging.smtpUrl,
      },
      notifierToken: messaging.notifierToken,
      dirs: { logs: dirs.logs, dpss: dirs.dpss, journal: dirs.journal, processLogs: dirs.processLogs },
      faults: faultClient(simulatorUrl),
      prometheus: proms.map((p, i) => member(`prometheus-${REPLICAS[i]}`, p.url, p.process)),
      alertmanagers: ams.map((a, i) => member(`alertmanager-${i + 1}`, a.url, a.process)),
      notifier: messaging.notifier,
      sms: messaging.sms,
      mails: messaging.mails,
      logs: () => parts.logs(),
      pids: () => parts.pids(),
      stop,
    };
  } catch (err) {
    const message = (err as Error).message;
    await stop().catch(() => {});
    throw new Error(`the HA stack did not come up: ${message}`);
  }
}
