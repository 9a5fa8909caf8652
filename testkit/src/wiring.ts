// The shipped configurations, rewired for a stack on loopback: each component's file with
// only the addresses, paths and (when asked) timings a run must change, so that what is
// tested is what ships. Pure: text in, text out (e2e/wiring.test.ts checks them).
import { resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

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

/** The gateway node the exporter's config names: its scrape target's `node` label. */
export function exporterNode(exporterYaml: string): string {
  return String(asMap(parseYaml(exporterYaml)).node);
}

/** The names of the log sources the exporter's config reads (one per gateway node in the shipped one). */
export function exporterSources(exporterYaml: string): string[] {
  return asList(asMap(parseYaml(exporterYaml)).sources).map((s) => String(asMap(s).name));
}

/** The exporter's embedded defaults (with `settings` over them), listening where the stack says. */
export function exporterConfig(defaultYaml: string, port: number, settings: Record<string, unknown> = {}): string {
  const cfg = { ...asMap(parseYaml(defaultYaml)), ...settings };
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
  /** The Alertmanager (every peer of a cluster) acknowledgements silence in. */
  alertmanagerUrls: string[];
  /** Another on-call file (e.g. the e2e's, with short escalation delays) instead of the shipped one. */
  oncallFile?: string;
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
  abs(cfg, 'oncall_file');
  abs(cfg, 'catalogue_file');
  if (w.oncallFile) cfg.oncall_file = w.oncallFile;
  const self = `http://127.0.0.1:${w.port}`;
  cfg.alertmanager = { ...asMap(cfg.alertmanager), urls: w.alertmanagerUrls };
  cfg.links = { ...asMap(cfg.links), base_url: self };
  cfg.journal = { ...asMap(cfg.journal), dir: w.journalDir };
  const sms = asMap(cfg.sms);
  delete sms.password_file;
  abs(sms, 'callback_token_file');
  cfg.sms = { ...sms, sendsms_url: w.sendsms.url, user: w.sendsms.user, password: w.sendsms.password, ...(sms.callback_url !== undefined && { callback_url: self }) };
  const email = (cfg.email = { ...asMap(cfg.email), host: w.smtp.host, port: w.smtp.port });
  abs(email, 'password_file');
  return stringifyYaml(cfg);
}

export interface AlertmanagerWiring {
  /** Base URL the receivers post to instead of the shipped notifier address. */
  webhookBase: string;
  maxGroupWait?: string;
  maxGroupInterval?: string;
  /** Caps repeat_interval too: a heartbeat (the Watchdog route) then comes every few seconds. */
  maxRepeatInterval?: string;
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
    cap(route, 'repeat_interval', w.maxRepeatInterval);
    for (const child of asList(route.routes)) walk(asMap(child));
  };
  walk(asMap(cfg.route));
  return stringifyYaml(cfg);
}

/** An on-call file whose business hours are every day, all day: tier-1 mail is never held (its release_early kept). */
export function openBusinessHours(oncallYaml: string): string {
  const cfg = asMap(parseYaml(oncallYaml));
  const shipped = asMap(cfg.business_hours ?? {});
  cfg.business_hours = { ...shipped, days: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'], start: '00:00', end: '24:00' };
  return stringifyYaml(cfg);
}

export interface ReportsWiring {
  port: number;
  prometheusUrl: string;
  notifierUrl: string;
  /** The stack's notifier config: its SMTP settings and teams' addresses carry the mail. */
  notifierConfigFile: string;
  notifierTokenFile: string;
  archiveDir: string;
  /** Minutes between tries of a report that could not be built (the shipped retry_minutes when absent). */
  retryMinutes?: number;
}

/** The shipped report schedule (its reports and recipients untouched) wired to this stack's sources, port and archive. */
export function reportsConfig(shippedYaml: string, w: ReportsWiring): string {
  const cfg = asMap(parseYaml(shippedYaml));
  const self = `http://127.0.0.1:${w.port}`;
  cfg.prometheus = { ...asMap(cfg.prometheus), url: w.prometheusUrl };
  cfg.notifier = { ...asMap(cfg.notifier), config_file: w.notifierConfigFile, url: w.notifierUrl, bearer_token_file: w.notifierTokenFile };
  cfg.listen = { host: '127.0.0.1', port: w.port };
  cfg.public_url = self;
  cfg.archive = { ...asMap(cfg.archive), dir: w.archiveDir };
  if (w.retryMinutes !== undefined) cfg.retry_minutes = w.retryMinutes;
  return stringifyYaml(cfg);
}

/** The shipped prometheus.yml's external labels, with these added or replaced. */
export function externalLabels(shippedPrometheusYaml: string, extra: Record<string, string>): Record<string, string> {
  const shipped = asMap(asMap(asMap(parseYaml(shippedPrometheusYaml)).global).external_labels);
  return { ...(shipped as Record<string, string>), ...extra };
}
