// VictoriaMetrics single-node (Debian's victoria-metrics package) as the long-term store
// of a Prometheus pair: both replicas remote_write every sample, the store drops the
// replica label on the way in (-relabelConfig) so the two copies land in one series, and
// -dedup.minScrapeInterval keeps one sample per scrape interval of that series: the
// setup VictoriaMetrics' docs give for "identically configured Prometheus instances in
// an HA pair" (docs/ha.md).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startProcess } from './process.js';
import { startServer, type RunningServer } from './server.js';

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

/** url: the Prometheus query API is under /api/v1 (Grafana's datasource URL). */
export interface RunningVictoria extends RunningServer {
  /** Where Prometheus' remote_write sends. */
  remoteWriteUrl: string;
}

/** The relabel rules applied to every ingested sample (Prometheus relabel syntax, as VictoriaMetrics reads it). */
export function replicaRelabelConfig(replicaLabels: string[]): string {
  return JSON.stringify([{ action: 'labeldrop', regex: replicaLabels.join('|') }], null, 2);
}

export async function startVictoriaMetrics(opts: VictoriaOptions): Promise<RunningVictoria> {
  const server = await startServer({ workDir: opts.workDir, tempPrefix: 'ussdwatch-victoria-', port: opts.port }, async (dir, port, url) => {
    const relabelFile = join(dir, 'relabel.yml');
    await writeFile(relabelFile, replicaRelabelConfig(opts.replicaLabels));
    return startProcess(
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
  });
  return { ...server, remoteWriteUrl: `${server.url}/api/v1/write` };
}
