// `ussdwatch serve` assembled: one tailer, parser and classifier per source, the DPSS
// spool, the stores behind the API, and the HTTP server. The server listens first so that
// /healthz and /ready answer while the tailers start. A reload replaces what the
// configuration decides (catalogue, status maps, nodes, sources, DPSS) and keeps what was
// counted and read: the series that stay, the tailers of files that stay, the samples.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createService, listen, reloadRoute, searchParams, sendText, type ReloadResult, type Response, type Route } from '@ussdwatch/common/http.js';
import { jsonLogger, maskingLogger, RateLimitedLog, type Logger } from '@ussdwatch/common/log.js';
import { webSecurity } from '@ussdwatch/common/web-security.js';
import client from 'prom-client';
import type { DpssConfig, ExporterConfig, SourceConfig } from '../config/types.js';
import { Classifier } from '../core/classifier.js';
import { DialogInsight } from '../insight/dialog-insight.js';
import { UNKNOWN_CODE } from '../core/types.js';
import { createLineParser } from '../parsers/index.js';
import { PositionStore } from '../tailer/positions.js';
import { SourceTailer } from '../tailer/source-tailer.js';
import { eventsResponse, malformedResponse, type ApiResponse } from './api.js';
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
  /**
   * Reads the configuration again for a reload (SIGHUP, POST /-/reload), given the running
   * one; throws a ConfigError to refuse it. Without it, every reload is refused.
   */
  reloadConfig?: (running: ExporterConfig) => ExporterConfig;
}


export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:9716 */
  readonly url: string;
  readonly port: number;
  /** Resolves once every tailer started and did its first poll and the DPSS spool was scanned once. */
  readonly ready: Promise<void>;
  /**
   * Applies the configuration read again: catalogue, status maps, nodes, sources and DPSS.
   * A refused one changes nothing. Reloads wait for start-up and for each other.
   * `trigger` names the caller in the log (SIGHUP, POST /-/reload).
   */
  reload(trigger?: string): Promise<ReloadResult>;
  /** Stops tailers (saving final positions), the DPSS scans and the HTTP server. */
  stop(): Promise<void>;
}

export const DEFAULT_DPSS_POLL_MS = 5_000;
export const DEFAULT_DPSS_SETTLE_MS = 30_000;

/** One configured source: its tailer outlives reloads that keep its files, its ingest is replaced by each. */
interface SourceSlot {
  config: SourceConfig;
  ingest: SourceIngest;
  tailer: SourceTailer | null;
}

interface DpssLoop {
  readonly config: DpssConfig;
  stop(): Promise<void>;
}

export async function startServer(initial: ExporterConfig, opts: ServeOptions = {}): Promise<RunningServer> {
  // Whatever a message quotes (a file name, a DPSS cell, an error), numbers in it are masked.
  const logger = maskingLogger(opts.logger ?? jsonLogger());
  const rateLimited = new RateLimitedLog(logger, opts.logIntervalMs);
  let config = initial;

  let classifiers = classifiersOf(config);
  const metrics = new UssdMetrics(config.catalogue, classifiers.all, config.nodes, sourceNames(config), Date.now());
  metrics.configuredNode(config.node);
  // The model is read once, at start: a reload that changes `learn` is refused (config.ts).
  const insight = new DialogInsight(metrics.exposition, config.catalogue, config.learn);
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const events = new EventStore(config.eventsPerKey);
  const malformed = new MalformedStore(sourceNames(config), config.malformedPerSource);
  const dpssLatest = new DpssLatest(metrics);
  const ingestOf = (s: SourceConfig) =>
    new SourceIngest(
      s.name,
      createLineParser({ format: s.format, regex: s.regex, timeFormat: s.timeFormat, utcOffsetMinutes: s.utcOffsetMinutes }),
      classifiers.of(s),
      metrics,
      events,
      malformed,
      rateLimited,
      insight,
    );
  let slots = config.sources.map((s): SourceSlot => ({ config: s, ingest: ingestOf(s), tailer: null }));
  let dpss: DpssLoop | null = null;
  let positions: PositionStore | undefined;
  let readyState: { ready: boolean; reason: string } = { ready: false, reason: 'starting: tailers not started yet' };
  let stopping = false;

  const startTailer = async (slot: SourceSlot) => {
    const s = slot.config;
    const tailer = new SourceTailer({
      source: s.name,
      glob: s.path,
      followSymlinksOutside: s.followSymlinksOutside,
      startAt: s.startAt,
      positions: positions!,
      pollIntervalMs: opts.tailerPollMs,
      // Looked up per batch, so a reload's new parser and classifier take the very next line.
      onLines: (lines, file) => slot.ingest.onLines(lines, file),
      onEvent: (e) => slot.ingest.onTailerEvent(e),
    });
    slot.tailer = tailer;
    await tailer.start();
  };

  const startDpss = async (d: DpssConfig): Promise<DpssLoop> => {
    const spool = await DpssSpool.open({
      spool: d.spool,
      utcOffsetMinutes: d.utcOffsetMinutes,
      stateFile: path.join(config.stateDir, 'dpss-state.json'),
      metrics,
      latest: dpssLatest,
      logger,
      rateLimited,
      settleMs: opts.dpssSettleMs ?? DEFAULT_DPSS_SETTLE_MS,
    });
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let scan = spool.scan();
    const next = () => {
      if (!stopped) timer = setTimeout(loop, opts.dpssPollMs ?? DEFAULT_DPSS_POLL_MS);
    };
    const loop = () => {
      scan = spool.scan().finally(next);
    };
    await scan;
    next();
    return {
      config: d,
      async stop() {
        stopped = true;
        clearTimeout(timer);
        await scan;
      },
    };
  };

  const routes: Route[] = [
    { method: 'GET', path: '/', access: 'read', handle: (_req, res) => sendText(res, 'text/html; charset=utf-8', indexPage(config.node)) },
    {
      method: 'GET',
      path: '/metrics',
      access: 'read',
      handle: async (_req, res) => {
        for (const slot of slots) if (slot.tailer) slot.ingest.refresh(slot.tailer.stats());
        sendText(res, registry.contentType, metrics.exposition.render() + (await registry.metrics()));
      },
    },
    { method: 'GET', path: '/healthz', access: 'open', handle: (_req, res) => void res.json({ status: 'ok' }) },
    {
      method: 'GET',
      path: '/ready',
      access: 'read',
      handle: async (_req, res) => {
        const reason = readyState.ready ? await noSourceReadable(slots.map(accessOf)) : readyState.reason;
        if (reason === null) res.json({ status: 'ready' });
        else res.status(503).json({ status: 'not ready', reason });
      },
    },
    { method: 'GET', path: '/api/events', access: 'read', handle: (req, res) => answer(res, eventsResponse(searchParams(req), events, codesOf(config))) },
    { method: 'GET', path: '/api/malformed', access: 'read', handle: (req, res) => answer(res, malformedResponse(searchParams(req), malformed, sourceNames(config))) },
    { method: 'GET', path: '/api/proposals', access: 'read', handle: (_req, res) => answer(res, insight.statusProposals()) },
    // reload is defined below, beside the state it replaces.
    reloadRoute((trigger) => reload(trigger)),
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
  logger.log('info', 'listening', { url, config: config.file, node: config.node, sources: slots.length, short_codes: config.catalogue.entries.length });

  const ready = (async () => {
    await mkdir(config.stateDir, { recursive: true });
    positions = await PositionStore.open(config.stateDir);
    for (const slot of slots) {
      if (stopping) return;
      readyState = { ready: false, reason: `starting: opening source ${slot.config.name}` };
      await startTailer(slot);
    }
    if (config.dpss && !stopping) {
      readyState = { ready: false, reason: 'starting: first scan of the DPSS spool' };
      dpss = await startDpss(config.dpss);
    }
    if (stopping) return;
    readyState = { ready: true, reason: '' };
    logger.log('info', 'ready', { sources: sourceNames(config), dpss: config.dpss?.spool ?? null });
  })();
  ready.catch((err: unknown) => {
    readyState = { ready: false, reason: `start-up failed: ${(err as Error).message}` };
  });

  /** The new configuration, applied in an order that neither loses nor repeats a line. */
  const apply = async (next: ExporterConfig) => {
    const nextByName = new Map(next.sources.map((s) => [s.name, s]));
    const keepsTailer = (slot: SourceSlot) => {
      const n = nextByName.get(slot.config.name);
      return n !== undefined && n.path === slot.config.path && n.followSymlinksOutside === slot.config.followSymlinksOutside;
    };
    // Their last lines are counted by the configuration that read them; positions are saved
    // under the source's name, so a source that stays but moves resumes the files it knew.
    for (const slot of slots) if (!keepsTailer(slot)) await slot.tailer?.stop();
    const kept = new Map(slots.filter(keepsTailer).map((slot) => [slot.config.name, slot]));

    // From here to the swap nothing awaits, so no batch of lines meets half a configuration.
    classifiers = classifiersOf(next);
    metrics.configure(next.catalogue, classifiers.all, next.nodes, sourceNames(next));
    metrics.configuredNode(next.node);
    insight.configure(next.catalogue);
    const codes = new Set(codesOf(next));
    events.retainCodes((code) => code === UNKNOWN_CODE || codes.has(code));
    malformed.setSources(sourceNames(next));
    dpssLatest.retainCodes(codes);
    slots = next.sources.map((s): SourceSlot => {
      const slot = kept.get(s.name);
      if (!slot) return { config: s, ingest: ingestOf(s), tailer: null };
      slot.config = s;
      slot.ingest = ingestOf(s);
      return slot;
    });
    config = next;

    for (const slot of slots) if (!slot.tailer) await startTailer(slot);
    if (!sameDpss(dpss?.config ?? null, next.dpss)) {
      await dpss?.stop();
      dpss = next.dpss ? await startDpss(next.dpss) : null;
    }
  };

  let reloading: Promise<unknown> = Promise.resolve();
  const reload = (trigger: string): Promise<ReloadResult> => {
    const run = reloading.then(async (): Promise<ReloadResult> => {
      const refuse = (error: string): ReloadResult => {
        metrics.reloaded(false);
        logger.log('error', 'configuration reload refused; the previous one keeps running', { trigger, error });
        return { ok: false, error };
      };
      try {
        await ready;
      } catch (err) {
        return refuse(`the exporter did not start: ${(err as Error).message}`);
      }
      if (stopping) return refuse('the exporter is stopping');
      if (!opts.reloadConfig) return refuse('this exporter was started without a configuration to read again');
      let next: ExporterConfig;
      try {
        next = opts.reloadConfig(config);
      } catch (err) {
        return refuse((err as Error).message);
      }
      const before = config;
      try {
        await apply(next);
      } catch (err) {
        // Validated but not applied whole (a tailer could not start): what runs is a mix, say so.
        return refuse(`applying it failed part way, restart the exporter: ${(err as Error).message}`);
      }
      metrics.reloaded(true);
      logger.log('info', 'configuration reloaded', { trigger, config: next.file, node: next.node, ...changes(before, next) });
      return { ok: true };
    });
    reloading = run;
    return run;
  };

  return {
    url,
    port,
    ready,
    reload: (trigger = 'reload()') => reload(trigger),
    async stop() {
      if (stopping) return;
      stopping = true;
      readyState = { ready: false, reason: 'shutting down' };
      await ready.catch(() => undefined);
      await reloading;
      await dpss?.stop();
      await Promise.all(slots.flatMap((s) => (s.tailer ? [s.tailer.stop()] : [])));
      await http.close();
      logger.log('info', 'stopped', {});
    },
  };
}

/** One classifier for the sources that use the global status map, one per source that has its own. */
function classifiersOf(config: ExporterConfig): { all: Classifier[]; of(s: SourceConfig): Classifier } {
  const shared = new Classifier(config.catalogue, config.statusMap);
  const own = new Map(config.sources.filter((s) => s.statusMap).map((s) => [s.name, new Classifier(config.catalogue, s.statusMap!)]));
  return { all: [shared, ...own.values()], of: (s) => own.get(s.name) ?? shared };
}

const sourceNames = (c: ExporterConfig) => c.sources.map((s) => s.name);
const codesOf = (c: ExporterConfig) => c.catalogue.entries.map((e) => e.code);

// Started and still nothing to read (wrong paths, permissions) is not ready either.
const accessOf = (slot: SourceSlot): SourceAccess => ({
  name: slot.config.name,
  glob: slot.config.path,
  followSymlinksOutside: slot.config.followSymlinksOutside,
  following: () => (slot.tailer?.stats().files ?? 0) > 0,
});

function sameDpss(a: DpssConfig | null, b: DpssConfig | null): boolean {
  return a === b || (a !== null && b !== null && a.spool === b.spool && a.utcOffsetMinutes === b.utcOffsetMinutes);
}

/** What a reload changed, for its log line. */
function changes(before: ExporterConfig, after: ExporterConfig): Record<string, string[]> {
  const diff = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));
  const [c0, c1, s0, s1] = [codesOf(before), codesOf(after), sourceNames(before), sourceNames(after)];
  return { codes_added: diff(c1, c0), codes_removed: diff(c0, c1), sources_added: diff(s1, s0), sources_removed: diff(s0, s1) };
}

function answer(res: Response, r: ApiResponse): void {
  res.status(r.status).json(r.body);
}

/** `node` passed the config's label check (letters, digits, _ . -): nothing in it needs escaping. */
function indexPage(node: string): string {
  const links = ['/metrics', '/healthz', '/ready', '/api/events', '/api/malformed', '/api/proposals'].map((p) => `<li><a href="${p}">${p}</a></li>`).join('');
  return `<!doctype html><html><head><title>ussdwatch exporter</title></head><body><h1>ussdwatch exporter</h1><p>Gateway node: ${node}</p><ul>${links}</ul></body></html>\n`;
}
