import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { freePort } from './net.js';
import { startProcess, type RunningProcess } from './process.js';

const SHIPPED_DIR = fileURLToPath(new URL('../../prometheus/', import.meta.url));

/** Addresses that share target labels, as a file_sd or static_configs entry writes them. */
export interface TargetGroup {
  targets: string[];
  labels?: Record<string, string>;
}

export interface PrometheusOptions {
  /**
   * Scrape targets by job: `{ 'ussdwatch-exporter': [{ targets: ['127.0.0.1:40123'], labels: { node: 'local' } }] }`
   * (a bare address has no labels of its own). The shipped jobs keep their settings with these
   * targets; jobs given here that it lacks are added, and shipped jobs not given are dropped
   * (the `prometheus` job always scrapes this instance).
   */
  targets: Record<string, Array<string | TargetGroup>>;
  /** Short intervals let tests see rates and alerts in seconds; the shipped file says 15s. */
  scrapeInterval?: string;
  evaluationInterval?: string;
  /** Rule files or globs; the shipped prometheus/rules/*.yml when absent. */
  ruleFiles?: string[];
  /** Alertmanager `host:port` addresses that receive the alerts; none when absent. */
  alertmanagers?: string[];
  /** Replaces the shipped external labels (grafana_url, runbook_base in dashboard and runbook URLs). */
  externalLabels?: Record<string, string>;
  /** A fixed port (npm start); a free one when absent. */
  port?: number;
  /** Where the config and the TSDB go (kept on stop); a temporary directory, removed on stop, when absent. */
  workDir?: string;
  readyTimeoutMs?: number;
}

export interface RunningPrometheus {
  /** Base URL, e.g. http://127.0.0.1:40125 */
  url: string;
  process: RunningProcess;
  /** What Prometheus logged so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

type Yaml = Record<string, unknown>;

/** The shipped prometheus.yml with only what a run must change: addresses, intervals, absolute rule paths. */
function prometheusConfig(shippedYaml: string, opts: PrometheusOptions, selfAddress: string): Yaml {
  const shipped = parseYaml(shippedYaml) as Yaml;
  const global = { ...(shipped.global as Yaml) };
  if (opts.scrapeInterval) {
    global.scrape_interval = opts.scrapeInterval;
    // Prometheus refuses a timeout longer than the interval.
    global.scrape_timeout = opts.scrapeInterval;
  }
  if (opts.evaluationInterval) global.evaluation_interval = opts.evaluationInterval;
  if (opts.externalLabels) global.external_labels = opts.externalLabels;

  const targets: PrometheusOptions['targets'] = { prometheus: [selfAddress], ...opts.targets };
  const shippedJobs = (shipped.scrape_configs as Yaml[]) ?? [];
  const jobs = Object.entries(targets).map(([job, given]) => {
    const base = shippedJobs.find((j) => j.job_name === job) ?? { job_name: job };
    const { file_sd_configs: _fileSd, static_configs: _static, ...settings } = base;
    const bare = given.filter((t) => typeof t === 'string');
    const groups = given.filter((t) => typeof t !== 'string');
    return { ...settings, static_configs: [...(bare.length ? [{ targets: bare }] : []), ...groups] };
  });

  return {
    ...shipped,
    global,
    rule_files: opts.ruleFiles ?? ((shipped.rule_files as string[]) ?? []).map((f) => join(SHIPPED_DIR, f)),
    alerting: { alertmanagers: opts.alertmanagers?.length ? [{ static_configs: [{ targets: opts.alertmanagers }] }] : [] },
    scrape_configs: jobs,
  };
}

/**
 * Starts the real Prometheus (Debian's package) on 127.0.0.1 with the project's rules and
 * `--web.enable-lifecycle`, and resolves once /-/ready answers.
 */
export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = opts.workDir ?? (await mkdtemp(join(tmpdir(), 'ussdwatch-prometheus-')));
  const cleanUp = () => (opts.workDir ? Promise.resolve() : rm(dir, { recursive: true, force: true }));
  try {
    await mkdir(dir, { recursive: true });
    const port = opts.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const config = prometheusConfig(await readFile(join(SHIPPED_DIR, 'prometheus.yml'), 'utf8'), opts, `127.0.0.1:${port}`);
    const configFile = join(dir, 'prometheus.yml');
    // JSON is YAML, and leaves no doubt about quoting.
    await writeFile(configFile, JSON.stringify(config, null, 2));
    const proc = await startProcess(
      'prometheus',
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=${url}`,
        '--web.enable-lifecycle',
      ],
      { readyUrl: `${url}/-/ready`, readyTimeoutMs: opts.readyTimeoutMs, name: 'prometheus' },
    );
    return {
      url,
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
