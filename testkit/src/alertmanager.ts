import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.js';
import { startProcess, type RunningProcess } from './process.js';

export interface AlertmanagerOptions {
  /** alertmanager.yml content; written into a temp dir as alertmanager.yml. */
  config: string;
  /**
   * A directory copied next to the config first, so relative paths in it (secrets/)
   * resolve: e.g. the repository's alertmanager/ folder.
   */
  baseDir?: string;
  /**
   * Clustering (HA pair): [] starts the first member, then pass its clusterAddress to the
   * second. Left out, clustering is off and no cluster port is opened.
   */
  peers?: string[];
  /** How long each peer waits per position before sending what the peers before it have not (default 15s). */
  peerTimeout?: string;
  readyTimeoutMs?: number;
  /** debug shows routing decisions (e.g. notifications held by a time interval) in process.output(). */
  logLevel?: 'debug' | 'info' | 'warn';
}

/** An alert as posted to /api/v2/alerts. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface RunningAlertmanager {
  url: string;
  /** host:port of the cluster listener when peers were given, for the other member. */
  clusterAddress?: string;
  process: RunningProcess;
  /** Posts alerts through the v2 API (what Prometheus does); throws on a non-2xx answer. */
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  stop(): Promise<void>;
}

/** Real Alertmanager (Debian prometheus-alertmanager) on free loopback ports, ready-polled. */
export async function startAlertmanager(opts: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'ussdwatch-am-'));
  if (opts.baseDir) await cp(opts.baseDir, dir, { recursive: true });
  const configFile = join(dir, 'alertmanager.yml');
  await writeFile(configFile, opts.config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--log.level=${opts.logLevel ?? 'warn'}`,
  ];
  let clusterAddress: string | undefined;
  if (opts.peers) {
    clusterAddress = `127.0.0.1:${await freePort()}`;
    args.push(`--cluster.listen-address=${clusterAddress}`, '--cluster.advertise-address=' + clusterAddress, ...opts.peers.map((p) => `--cluster.peer=${p}`));
    if (opts.peerTimeout) args.push(`--cluster.peer-timeout=${opts.peerTimeout}`);
  } else {
    args.push('--cluster.listen-address=');
  }
  let proc: RunningProcess;
  try {
    proc = await startProcess('prometheus-alertmanager', args, {
      name: 'alertmanager',
      readyUrl: `${url}/-/ready`,
      readyTimeoutMs: opts.readyTimeoutMs ?? 20_000,
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    clusterAddress,
    process: proc,
    async postAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!res.ok) throw new Error(`alertmanager refused alerts: ${res.status} ${await res.text()}`);
    },
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
