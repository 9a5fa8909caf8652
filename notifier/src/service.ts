// The notifier's HTTP service: webhook, journal API, health and metrics, wired to the
// journal and the delivery channels. startNotifier() is what main.ts and the tests run.
import { createHash, timingSafeEqual } from 'node:crypto';
import { bodyText, createService, HttpError, listen, searchParams, sendText, type Request, type Route } from '@ussdwatch/common/http.js';
import { jsonLogger, type Logger } from '@ussdwatch/common/log.js';
import type { NotifierConfig } from './config.js';
import { Dispatcher, type Tier } from './dispatch.js';
import { smtpSender } from './email.js';
import { Journal } from './journal.js';
import { parseJournalQuery, publicEntry, QueryError } from './journal-api.js';
import { journalText } from './journal-text.js';
import { isWebhookResult, NotifierMetrics } from './metrics.js';
import { parsePayload, PayloadError } from './payload.js';
import { SMS_CAP_WINDOW_MS } from './sms-cap.js';
import { kannelSender } from './sms.js';

export interface RunningNotifier {
  url: string;
  port: number;
  journal: Journal;
  metrics: NotifierMetrics;
  /** Stops accepting, lets requests in flight finish, closes the journal. */
  stop(): Promise<void>;
}

export interface NotifierOptions {
  logger?: Logger;
}

const WEBHOOK = /^\/webhook\/tier([123])$/;
const PAYLOAD_STATUS: Record<PayloadError['reason'], number> = { bad_json: 400, bad_version: 400, bad_payload: 400, missing_label: 422 };

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Refusals of a webhook that got past the token check: Alertmanager's own payload was
 * wrong (a rule without a label, a body over the limit), so an alert was lost and the
 * journal must show it. Anything refused before (no or wrong token, unknown path, wrong
 * method) is only counted: anyone can send those, at any rate.
 */
const JOURNALED_REFUSALS: ReadonlySet<string> = new Set(['too_large', 'bad_json', 'bad_version', 'bad_payload', 'missing_label']);

export async function startNotifier(cfg: NotifierConfig, opts: NotifierOptions = {}): Promise<RunningNotifier> {
  const logger = opts.logger ?? jsonLogger();
  const metrics = new NotifierMetrics();
  const journal = await Journal.open({
    ...cfg.journal,
    stateWindowMs: Math.max(cfg.dedupWindowMs, SMS_CAP_WINDOW_MS),
    onWrite: (s) => metrics.journalWrite.observe(s),
  });
  if (!cfg.email.requireTls && !cfg.email.secure) {
    logger.log('warn', 'mail may be sent without TLS (email.require_tls: false): acceptable for a local catcher only', {
      config: cfg.file,
      smtp: `${cfg.email.host}:${cfg.email.port}`,
      password: cfg.email.user ? 'sent in clear if the server offers no STARTTLS' : 'none configured',
    });
  }
  const email = smtpSender(cfg.email);
  const dispatcher = new Dispatcher({ cfg, journal, sms: kannelSender(cfg.sms), email, metrics });
  const tokenDigest = digest(cfg.token);
  let stopping = false;

  const authorized = (req: Request) => {
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    return m !== null && timingSafeEqual(digest(m[1].trim()), tokenDigest);
  };

  /** Every refusal is counted; a refused webhook payload is also journaled, its message masked and cut. */
  const recordError = async (req: Request, e: HttpError) => {
    if (e.status < 500) metrics.refused(e.reason);
    if (!req.path.startsWith('/webhook/')) return;
    metrics.webhook(e.status >= 500 ? 'failed' : isWebhookResult(e.reason) ? e.reason : 'bad_request');
    if (!JOURNALED_REFUSALS.has(e.reason)) return;
    const tier = WEBHOOK.exec(req.path)?.[1] ?? '';
    await journal.append([{ kind: 'rejected', httpStatus: e.status, reason: e.reason, message: journalText(e.message), shortCodes: [], tiers: [tier] }]);
  };

  const routes: Route[] = [
    {
      method: 'POST',
      path: '/webhook/:tier',
      access: 'act',
      handle: async (req, res) => {
        const tier = WEBHOOK.exec(req.path)?.[1] as Tier | undefined;
        if (!tier) throw new HttpError(404, 'not_found', `no webhook at ${req.path}: use /webhook/tier1, /webhook/tier2 or /webhook/tier3`);
        let payload;
        try {
          payload = parsePayload(bodyText(req), cfg.requiredLabels);
        } catch (err) {
          if (err instanceof PayloadError) throw new HttpError(PAYLOAD_STATUS[err.reason], err.reason, err.message);
          throw err;
        }
        const r = await dispatcher.dispatch(tier, payload);
        // Still failing after our retries on a transient error: a 5xx makes Alertmanager
        // retry the notification; recipients already served are then skipped by dedup.
        const status = r.unavailable > 0 ? 503 : 200;
        metrics.webhook(status === 200 ? 'accepted' : 'failed');
        res.status(status).json({ status: status === 200 ? 'ok' : 'retry', ...r });
      },
    },
    { method: 'GET', path: '/healthz', access: 'read', handle: (_req, res) => void res.json({ status: 'ok' }) },
    { method: 'GET', path: '/ready', access: 'read', handle: (_req, res) => void res.status(stopping ? 503 : 200).json({ status: stopping ? 'stopping' : 'ready' }) },
    { method: 'GET', path: '/metrics', access: 'read', handle: async (_req, res) => sendText(res, metrics.registry.contentType, await metrics.registry.metrics()) },
    {
      method: 'GET',
      path: '/api/journal',
      access: 'read',
      handle: (req, res) => {
        try {
          const entries = journal.query(parseJournalQuery(searchParams(req))).map(publicEntry);
          // No CORS header: browsers read the journal through Grafana's proxy, never directly.
          res.json({ entries });
        } catch (err) {
          if (!(err instanceof QueryError)) throw err;
          res.status(400).json({ error: err.message });
        }
      },
    },
  ];

  const service = createService({
    name: 'notifier',
    logger,
    routes,
    // Alertmanager's bearer token: the one credential today, checked before a body is read.
    guard: (req, access) => {
      if (access === 'act' && !authorized(req)) {
        throw new HttpError(401, 'unauthorized', 'missing or wrong bearer token: set http_config.authorization in alertmanager.yml to the notifier token', {
          headers: { 'www-authenticate': 'Bearer' },
        });
      }
    },
    bodyLimit: { bytes: cfg.maxBodyBytes, setting: 'limits.max_body_bytes' },
    onError: recordError,
  });
  const http = await listen(service, { ...cfg.listen, setting: 'listen.port in the notifier config' });
  return {
    url: http.url,
    port: http.port,
    journal,
    metrics,
    async stop() {
      stopping = true;
      await http.close();
      await journal.close();
      email.close();
    },
  };
}
