// `ussdwatch report serve`: the schedule, the archive and an HTTP API on the same safe
// layer as every ussdwatch service (common/http, web config, roles):
//   GET  /api/reports           read  the archive and the schedule's state
//   GET  /api/reports/:file     read  one report (PDF or workbook)
//   POST /api/reports           act   build one now: {"period":"day","date":"2026-11-28"} or {"from","to"}, "scope", "lang", "source"
//   POST /-/reload              act   read the schedule again (also SIGHUP), as the exporter and the notifier do
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runCommand, UsageError } from '@ussdwatch/common/cli.js';
import { bodyText, createService, HttpError, listen, reloadRoute, type ReloadResult, type Route } from '@ussdwatch/common/http.js';
import { runUntilSignal } from '@ussdwatch/common/lifecycle.js';
import { jsonLogger, type Logger } from '@ussdwatch/common/log.js';
import { PRODUCTION_USAGE, WEB_CONFIG_OPTION_USAGE, webSecurity } from '@ussdwatch/common/web-security.js';
import { smtpSender } from '@ussdwatch/notifier/email.js';
import { isReportFile, listArchive, pruneArchive, StateFile } from './archive.js';
import { buildReport } from './build.js';
import { NoDataError } from './gather.js';
import { LANGS, type Lang } from './i18n.js';
import { defaultSource, isMetricsSource, type Metrics, type MetricsSource } from './metrics-source.js';
import { PeriodError, resolvePeriod } from './period.js';
import { DEFAULT_SCHEDULE_FILE, loadScheduleConfig, type ScheduleConfig } from './schedule-config.js';
import { Scheduler } from './scheduler.js';
import { parseScope, ScopeError } from './scope.js';

const USAGE = `usage: ussdwatch report serve [--config FILE] [--web.config.file FILE]

Sends the scheduled reports (daily, weekly, monthly; Africa/Algiers), keeps them in the
archive, and serves /api/reports (list, download, build on demand) and /healthz.

options:
  -c, --config FILE   the schedule (default: reports/config/schedule.yaml)
${WEB_CONFIG_OPTION_USAGE}
  -h, --help          this help

${PRODUCTION_USAGE}
`;

const TICK_MS = 30_000;

export interface RunningReports {
  url: string;
  scheduler: Scheduler;
  /** Reads the schedule file again; a bad one (or a restart-only change) is refused and the running one kept. */
  reload(trigger: string): Promise<ReloadResult>;
  stop(): Promise<void>;
}

function onDemand(body: string, nowMs: number, hasLongterm: boolean) {
  let req: Record<string, unknown>;
  try {
    req = body.trim() ? (JSON.parse(body) as Record<string, unknown>) : {};
  } catch {
    throw new HttpError(400, 'bad_json', 'the body is not JSON: send {"period":"day","date":"2026-11-28","scope":"all","lang":"fr"} or {"from":..,"to":..}');
  }
  const text = (k: string) => (typeof req[k] === 'string' ? (req[k] as string) : undefined);
  try {
    const lang = text('lang') ?? 'fr';
    if (!(LANGS as readonly string[]).includes(lang)) throw new PeriodError(`lang ${lang}: expected ${LANGS.join(' or ')}`);
    const source = text('source');
    if (source !== undefined && !isMetricsSource(source)) throw new HttpError(400, 'bad_request', `source ${source}: expected prometheus or longterm`);
    if (source === 'longterm' && !hasLongterm) throw new HttpError(400, 'bad_request', 'source longterm: the schedule has no longterm: block; ask for source prometheus');
    const period = resolvePeriod({ period: text('period'), date: text('date'), week: text('week'), from: text('from'), to: text('to') }, nowMs);
    return { period, scope: parseScope(text('scope') ?? 'all'), lang: lang as Lang, source: source ?? defaultSource(period.kind, hasLongterm) };
  } catch (err) {
    if (err instanceof PeriodError || err instanceof ScopeError) throw new HttpError(400, 'bad_request', err.message.replace(/--/g, ''));
    throw err;
  }
}

/**
 * Starts the schedule and the API. `webConfigFile` is --web.config.file, which a reload
 * keeps over the file's own setting.
 */
export async function startReports(cfg: ScheduleConfig, logger: Logger, now: () => number = Date.now, webConfigFile?: string): Promise<RunningReports> {
  const { guard, tls, headers } = webSecurity({
    service: 'report service',
    host: cfg.listen.host,
    webConfigFile: cfg.webConfigFile,
    setting: 'web_config_file: in the schedule or --web.config.file',
    open: 'act',
  });
  await mkdir(cfg.archive.dir, { recursive: true });
  // What a reload may change is read through `current`; the socket, web config and archive stay as started.
  let current = cfg;
  const sources = (source: MetricsSource) => ({ metrics: { source, endpoint: source === 'longterm' ? current.longterm! : current.prometheus } satisfies Metrics, notifier: current.notifier });
  let email = smtpSender(cfg.notifierConfig.email);
  const scheduler = new Scheduler({
    cfg,
    email,
    logger,
    now,
    state: new StateFile(join(cfg.archive.dir, 'sent-state.json')),
    build: (r, period) => buildReport(sources(r.source), { period, scope: r.scope, lang: r.lang, outDir: cfg.archive.dir }, now()),
  });
  await scheduler.start();
  // One build at a time: each starts a Chromium, and two would compete for the same cores.
  let building: Promise<unknown> = Promise.resolve();

  const routes: Route[] = [
    { method: 'GET', path: '/healthz', access: 'open', handle: (_req, res) => void res.json({ status: 'ok' }) },
    {
      method: 'GET',
      path: '/api/reports',
      access: 'read',
      handle: async (_req, res) => void res.json({ reports: await listArchive(cfg.archive.dir), schedule: scheduler.status() }),
    },
    {
      method: 'GET',
      path: '/api/reports/:file',
      access: 'read',
      handle: async (req, res) => {
        const file = String(req.params.file);
        if (!isReportFile(file) || !(await listArchive(cfg.archive.dir)).some((f) => f.file === file)) {
          throw new HttpError(404, 'not_found', `no report ${file} in the archive: GET /api/reports lists them`);
        }
        const pdf = file.endsWith('.pdf');
        res.setHeader('content-type', pdf ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        res.setHeader('content-disposition', `attachment; filename="${file}"`);
        await new Promise<void>((done, fail) => createReadStream(join(cfg.archive.dir, file)).on('error', fail).pipe(res).on('finish', done));
      },
    },
    {
      method: 'POST',
      path: '/api/reports',
      access: 'act',
      handle: async (req, res) => {
        const { source, ...ask } = onDemand(bodyText(req), now(), current.longterm !== null);
        const job = building.then(() => buildReport(sources(source), { ...ask, outDir: cfg.archive.dir }, now()));
        building = job.catch(() => {});
        try {
          const built = await job;
          res.status(201).json({ pdf: built.base + '.pdf', xlsx: built.base + '.xlsx', title: built.title, warnings: built.warnings });
        } catch (err) {
          if (err instanceof NoDataError) throw new HttpError(422, 'no_data', err.message);
          throw new HttpError(503, 'unavailable', `the report cannot be built now: ${(err as Error).message}`);
        }
      },
    },
  ];
  async function reload(trigger: string): Promise<ReloadResult> {
    try {
      const next = loadScheduleConfig(current.file, { running: current, webConfigFile });
      if (next.reports.length === 0) throw new Error(`${next.file}: no report scheduled; the running schedule is kept`);
      const previous = email;
      email = smtpSender(next.notifierConfig.email);
      current = next;
      // A report being built and mailed finishes with the settings it began with.
      void scheduler.reconfigure(next, email).then(() => previous.close());
      logger.log('info', 'configuration reloaded', { trigger, config: next.file, reports: next.reports.length });
      return { ok: true };
    } catch (err) {
      logger.log('error', 'reload refused; the running configuration is kept', { trigger, error: (err as Error).message });
      return { ok: false, error: (err as Error).message };
    }
  }
  routes.push(reloadRoute(reload));
  const service = createService({ name: 'report service', logger, routes, guard, headers });
  const http = await listen(service, { ...cfg.listen, tls, setting: 'listen.port in the schedule' });
  const tick = () => {
    void scheduler.tick();
    void pruneArchive(cfg.archive.dir, current.archive.retentionDays, now()).then(
      (gone) => gone.length && logger.log('info', 'archive pruned', { deleted: gone.length }),
      (err: Error) => logger.log('error', 'archive not pruned', { error: err.message }),
    );
  };
  tick();
  const timer = setInterval(tick, TICK_MS);
  return {
    url: http.url,
    scheduler,
    reload,
    async stop() {
      clearInterval(timer);
      await http.close();
      await scheduler.idle();
      await building.catch(() => {});
      email.close();
    },
  };
}

export function serveCommand(argv: string[]): Promise<number> {
  const cmd = { program: 'ussdwatch report serve', usage: USAGE, options: { config: { type: 'string', short: 'c' }, 'web.config.file': { type: 'string' } } } as const;
  return runCommand(cmd, argv, async ({ values }) => {
    const logger = jsonLogger();
    const file = resolve(values.config ?? DEFAULT_SCHEDULE_FILE);
    const webConfigFile = values['web.config.file'] ? resolve(values['web.config.file']) : undefined;
    const cfg = loadScheduleConfig(file, { webConfigFile });
    if (cfg.reports.length === 0) throw new UsageError(`${file}: no report scheduled`);
    return runUntilSignal(
      logger,
      async () => {
        const running = await startReports(cfg, logger, Date.now, webConfigFile);
        logger.log('info', 'listening', { url: running.url, config: file, archive: cfg.archive.dir });
        return running;
      },
      {},
      (running) => running.reload('SIGHUP'),
    );
  });
}
