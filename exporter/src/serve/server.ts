// `ussdwatch serve` assembled: one tailer, parser and classifier per source, the DPSS
// spool, the stores behind the API, and the HTTP server. The server listens first so that
// /healthz and /ready answer while the tailers start.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createService, listen, searchParams, sendText, type Response, type Route } from '@ussdwatch/common/http.js';
import { jsonLogger, maskingLogger, RateLimitedLog, type Logger } from '@ussdwatch/common/log.js';
import { webSecurity } from '@ussdwatch/common/web-security.js';
import client from 'prom-client';
import { Classifier } from '../core/classifier.js';
import type { ExporterConfig } from '../config/types.js';
import { DialogInsight } from '../insight/dialog-insight.js';
import { createLineParser } from '../parsers/index.js';
import { PositionStore } from '../tailer/positions.js';
import { SourceTailer } from '../tailer/source-tailer.js';
import { eventsResponse, malformedResponse, type ApiResponse, type SourceTools } from './api.js';
import { DpssLatest } from './dpss-ingest.js';
import { DpssSpool } from './dpss-spool.js';
import { EventStore } from './event-store.js';
import { MalformedStore } from './malformed-store.js';
import { noSourceReadable, type SourceAccess } from './source-access.js';
import { SourceIngest } from './source-ingest.js';
import { UssdMetrics } from './ussd-metrics.js';

export interface ServeOptions {
  logger?: Logger;
  /** Tailer poll interval (default: the tailer's own, 250 ms). */
  tailerPollMs?: number;
  /** How often the DPSS spool is scanned. */
  dpssPollMs?: number;
  /** How long an unchanged DPSS file without a final newline (or empty) waits before it is read (or rejected). */
  dpssSettleMs?: number;
  /** Minimum time between two log messages about the same recurring problem of a source. */
  logIntervalMs?: number;
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:9716 */
  readonly url: string;
  readonly port: number;
  /** Resolves once every tailer started and did its first poll and the DPSS spool was scanned once. */
  readonly ready: Promise<void>;
  /** Stops tailers (saving final positions), the DPSS scans and the HTTP server. */
  stop(): Promise<void>;
}

export const DEFAULT_DPSS_POLL_MS = 5_000;
export const DEFAULT_DPSS_SETTLE_MS = 30_000;

export async function startServer(config: ExporterConfig, opts: ServeOptions = {}): Promise<RunningServer> {
  // Whatever a message quotes (a file name, a DPSS cell, an error), numbers in it are masked.
  const logger = maskingLogger(opts.logger ?? jsonLogger());
  const rateLimited = new RateLimitedLog(logger, opts.logIntervalMs);
  const startedAt = Date.now();

  const shared = new Classifier(config.catalogue, config.statusMap);
  const classifiers = new Map(config.sources.map((s) => [s.name, s.statusMap ? new Classifier(config.catalogue, s.statusMap) : shared]));
  const metrics = new UssdMetrics(config.catalogue, [...new Set(classifiers.values()), shared], config.nodes, startedAt);
  const insight = new DialogInsight(metrics.exposition, config.catalogue, config.learn);
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const events = new EventStore(config.eventsPerKey);
  const malformed = new MalformedStore(
    config.sources.map((s) => s.name),
    config.malformedPerSource,
  );
  const ingests = config.sources.map(
    (s) =>
      new SourceIngest(
        s.name,
        createLineParser({ format: s.format, regex: s.regex, timeFormat: s.timeFormat, utcOffsetMinutes: s.utcOffsetMinutes }),
        classifiers.get(s.name)!,
        metrics,
        events,
        malformed,
        rateLimited,
        insight,
      ),
  );
  const tailers: SourceTailer[] = [];
  // Started and still nothing to read (wrong paths, permissions) is not ready either.
  const access: SourceAccess[] = config.sources.map((s, i) => ({
    name: s.name,
    glob: s.path,
    followSymlinksOutside: s.followSymlinksOutside,
    following: () => (tailers[i]?.stats().files ?? 0) > 0,
  }));
  let readyState: { ready: boolean; reason: string } = { ready: false, reason: 'starting: tailers not started yet' };

  const codes = config.catalogue.entries.map((e) => e.code);
  const sourceNames = config.sources.map((s) => s.name);
  const ingestOf = new Map(ingests.map((i) => [i.source, i]));
  const tools: SourceTools = { parserOf: (s) => ingestOf.get(s)!.parser, classifierOf: (s) => ingestOf.get(s)!.classifier, guess: (d) => insight.guessJson(d) };
  const answer = (res: Response, r: ApiResponse) => void res.status(r.status).json(r.body);
  const routes: Route[] = [
    { method: 'GET', path: '/', access: 'read', handle: (_req, res) => sendText(res, 'text/html; charset=utf-8', indexPage()) },
    {
      method: 'GET',
      path: '/metrics',
      access: 'read',
      handle: async (_req, res) => {
        tailers.forEach((t, i) => ingests[i].refresh(t.stats()));
        sendText(res, registry.contentType, metrics.exposition.render() + (await registry.metrics()));
      },
    },
    { method: 'GET', path: '/healthz', access: 'open', handle: (_req, res) => void res.json({ status: 'ok' }) },
    {
      method: 'GET',
      path: '/ready',
      access: 'read',
      handle: async (_req, res) => {
        const reason = readyState.ready ? await noSourceReadable(access) : readyState.reason;
        if (reason === null) res.json({ status: 'ready' });
        else res.status(503).json({ status: 'not ready', reason });
      },
    },
    { method: 'GET', path: '/api/events', access: 'read', handle: (req, res) => answer(res, eventsResponse(searchParams(req), events, codes, tools)) },
    { method: 'GET', path: '/api/malformed', access: 'read', handle: (req, res) => answer(res, malformedResponse(searchParams(req), malformed, sourceNames)) },
    { method: 'GET', path: '/api/proposals', access: 'read', handle: (_req, res) => answer(res, insight.statusProposals()) },
  ];
  const { guard, tls, headers } = webSecurity({
    service: 'exporter',
    host: config.listen.host,
    webConfigFile: config.webConfigFile,
    setting: 'web_config_file: in the exporter config or --web.config.file',
    open: 'act',
  });
  const http = await listen(createService({ name: 'exporter', logger, routes, guard, headers }), { ...config.listen, tls });
  const { url, port } = http;
  logger.log('info', 'listening', { url, config: config.file, sources: sourceNames.length, short_codes: codes.length });

  let dpssTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  let dpssScan: Promise<void> = Promise.resolve();

  const ready = (async () => {
    await mkdir(config.stateDir, { recursive: true });
    const positions = await PositionStore.open(config.stateDir);
    for (const [i, s] of config.sources.entries()) {
      if (stopping) return;
      readyState = { ready: false, reason: `starting: opening source ${s.name}` };
      const ingest = ingests[i];
      const tailer = new SourceTailer({
        source: s.name,
        glob: s.path,
        followSymlinksOutside: s.followSymlinksOutside,
        startAt: s.startAt,
        positions,
        pollIntervalMs: opts.tailerPollMs,
        onLines: (lines, file) => ingest.onLines(lines, file),
        onEvent: (e) => ingest.onTailerEvent(e),
      });
      tailers.push(tailer);
      await tailer.start();
    }
    if (config.dpss) {
      readyState = { ready: false, reason: 'starting: first scan of the DPSS spool' };
      const spool = await DpssSpool.open({
        spool: config.dpss.spool,
        utcOffsetMinutes: config.dpss.utcOffsetMinutes,
        stateFile: path.join(config.stateDir, 'dpss-state.json'),
        metrics,
        latest: new DpssLatest(metrics),
        logger,
        rateLimited,
        settleMs: opts.dpssSettleMs ?? DEFAULT_DPSS_SETTLE_MS,
      });
      const loop = () => {
        dpssScan = spool.scan().finally(() => {
          if (!stopping) dpssTimer = setTimeout(loop, opts.dpssPollMs ?? DEFAULT_DPSS_POLL_MS);
        });
      };
      await spool.scan();
      if (!stopping) dpssTimer = setTimeout(loop, opts.dpssPollMs ?? DEFAULT_DPSS_POLL_MS);
    }
    if (stopping) return;
    readyState = { ready: true, reason: '' };
    logger.log('info', 'ready', { sources: sourceNames, dpss: config.dpss?.spool ?? null });
  })();
  ready.catch((err: unknown) => {
    readyState = { ready: false, reason: `start-up failed: ${(err as Error).message}` };
  });

  return {
    url,
    port,
    ready,
    async stop() {
      if (stopping) return;
      stopping = true;
      readyState = { ready: false, reason: 'shutting down' };
      clearTimeout(dpssTimer);
      await ready.catch(() => undefined);
      await dpssScan;
      await Promise.all(tailers.map((t) => t.stop()));
      await http.close();
      logger.log('info', 'stopped', {});
    },
  };
}

function indexPage(): string {
  const links = ['/metrics', '/healthz', '/ready', '/api/events', '/api/malformed', '/api/proposals'].map((p) => `<li><a href="${p}">${p}</a></li>`).join('');
  return `<!doctype html><html><head><title>ussdwatch exporter</title></head><body><h1>ussdwatch exporter</h1><ul>${links}</ul></body></html>\n`;
}
