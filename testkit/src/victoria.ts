// VictoriaMetrics single-node (Debian's victoria-metrics package) as the long-term store
// of a Prometheus pair: both replicas remote_write every sample, the store drops the
// replica label on the way in (-relabelConfig) so the two copies land in one series, and
// -dedup.minScrapeInterval keeps one sample per scrape interval of that series: the
// setup VictoriaMetrics' docs give for "identically configured Prometheus instances in
// an HA pair" (docs/ha.md).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.js';
import { startProcess, type RunningProcess } from './process.js';

export interface VictoriaOptions {
  /** The pair's scrape interval: one sample per series is kept per interval. */
  dedupInterval: string;
  /** Labels that tell the replicas apart (external labels), removed on ingestion. */
  replicaLabels: string[];
  port?: number;
  /** Where the data and the relabel file go (kept on stop); a temporary folder, removed on stop, when absent. */
  workDir?: string;
  readyTimeoutMs?: number;
}

export interface RunningVictoria {
  /** Base URL: the Prometheus query API is under /api/v1 (Grafana's datasource URL). */
  url: string;
  /** Where Prometheus' remote_write sends. */
  remoteWriteUrl: string;
  process: RunningProcess;
  output(): string;
  stop(): Promise<void>;
}

/** The relabel rules applied to every ingested sample (Prometheus relabel syntax, as VictoriaMetrics reads it). */
export function replicaRelabelConfig(replicaLabels: string[]): string {
  return JSON.stringify([{ action: 'labeldrop', regex: replicaLabels.join('|') }], null, 2);
}

export async function startVictoriaMetrics(opts: VictoriaOptions): Promise<RunningVictoria> {
  const dir = opts.workDir ?? (await mkdtemp(join(tmpdir(), 'ussdwatch-victoria-')));
  const cleanUp = () => (opts.workDir ? Promise.resolve() : rm(dir, { recursive: true, force: true }));
  try {
    await mkdir(dir, { recursive: true });
    const port = opts.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const relabelFile = join(dir, 'relabel.yml');
    await writeFile(relabelFile, replicaRelabelConfig(opts.replicaLabels));
    const proc = await startProcess(
      'victoria-metrics',
      [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${join(dir, 'data')}`,
        `-dedup.minScrapeInterval=${opts.dedupInterval}`,
        `-relabelConfig=${relabelFile}`,
        '-retentionPeriod=1y',
        // Recent samples answer queries at once (default: 30 s later), so a check sees up to now.
        '-search.latencyOffset=0s',
        '-loggerLevel=WARN',
      ],
      { name: 'victoria-metrics', readyUrl: `${url}/health`, readyTimeoutMs: opts.readyTimeoutMs ?? 20_000 },
    );
    return {
      url,
      remoteWriteUrl: `${url}/api/v1/write`,
      process: proc,
      output: () => proc.output(),
      async stop() {
        await proc.stop();
        await cleanUp();
      },
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}
