import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { startProcess } from './process.js';
import { startServer, type RunningServer } from './server.js';

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
   * targets; jobs given here that it lacks are added, and shipped jobs not given are dropped,
   * except the monitoring pipeline's: `prometheus` scrapes this instance and `alertmanager`
   * the `alertmanagers` unless given (a pair gives both, labelled).
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
  /**
   * External labels removed from the alerts sent (alert_relabel_configs): the `replica` of
   * a Prometheus pair, so every Alertmanager sees one alert from the two replicas.
   */
  dropFromAlerts?: string[];
  /** remote_write URLs (a long-term store), each sent every sample. */
  remoteWrite?: string[];
  /** A fixed port (npm start); a free one when absent. */
  port?: number;
  /** Where the config and the TSDB go (kept on stop); a temporary directory, removed on stop, when absent. */
  workDir?: string;
  readyTimeoutMs?: number;
  /**
   * --rules.alert.resend-delay: a firing alert is resent this often and valid in Alertmanager
   * for 4 times it (or the evaluation interval); shorter, a dead Prometheus's alerts end in seconds.
   */
  resendDelay?: string;
}

export type RunningPrometheus = RunningServer;

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

  const targets: PrometheusOptions['targets'] = {
    prometheus: [selfAddress],
    ...(opts.alertmanagers?.length ? { alertmanager: opts.alertmanagers } : {}),
    ...opts.targets,
  };
  const shippedJobs = (shipped.scrape_configs as Yaml[]) ?? [];
  const jobs = Object.entries(targets).map(([job, given]) => {
    const base = shippedJobs.find((j) => j.job_name === job) ?? { job_name: job };
    const { file_sd_configs: _fileSd, static_configs: _static, ...settings } = base;
    const bare = given.filter((t) => typeof t === 'string');
    const groups = given.filter((t) => typeof t !== 'string');
    return { ...settings, static_configs: [...(bare.length ? [{ targets: bare }] : []), ...groups] };
  });
  const alerting: Yaml = { alertmanagers: opts.alertmanagers?.length ? [{ static_configs: [{ targets: opts.alertmanagers }] }] : [] };
  if (opts.dropFromAlerts?.length) alerting.alert_relabel_configs = [{ action: 'labeldrop', regex: opts.dropFromAlerts.join('|') }];

  return {
    ...shipped,
    global,
    rule_files: opts.ruleFiles ?? ((shipped.rule_files as string[]) ?? []).map((f) => join(SHIPPED_DIR, f)),
    alerting,
    ...(opts.remoteWrite?.length ? { remote_write: opts.remoteWrite.map((url) => ({ url })) } : {}),
    scrape_configs: jobs,
  };
}

/**
 * Starts the real Prometheus (Debian's package) on 127.0.0.1 with the project's rules and
 * `--web.enable-lifecycle`, and resolves once /-/ready answers.
 */
export function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  return startServer({ workDir: opts.workDir, tempPrefix: 'ussdwatch-prometheus-', port: opts.port }, async (dir, port, url) => {
    const config = prometheusConfig(await readFile(join(SHIPPED_DIR, 'prometheus.yml'), 'utf8'), opts, `127.0.0.1:${port}`);
    const configFile = join(dir, 'prometheus.yml');
    // JSON is YAML, and leaves no doubt about quoting.
    await writeFile(configFile, JSON.stringify(config, null, 2));
    return startProcess(
      'prometheus',
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=${url}`,
        '--web.enable-lifecycle',
        ...(opts.resendDelay ? [`--rules.alert.resend-delay=${opts.resendDelay}`] : []),
      ],
      { readyUrl: `${url}/-/ready`, readyTimeoutMs: opts.readyTimeoutMs, name: 'prometheus' },
    );
  });
}
