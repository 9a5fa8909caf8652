// The notifier's HTTP service: webhook, journal API, health and metrics, wired to the
// journal and the delivery channels. startNotifier() is what main.ts and the tests run.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotifierConfig } from './config.js';
import { Dispatcher, type Tier } from './dispatch.js';
import { smtpSender } from './email.js';
import { BodyTooLarge, readBody, sendJson } from './http-io.js';
import { Journal } from './journal.js';
import { parseJournalQuery, publicEntry, QueryError } from './journal-api.js';
import { NotifierMetrics, type WebhookResult } from './metrics.js';
import { parsePayload, PayloadError } from './payload.js';
import { kannelSender } from './sms.js';

export interface RunningNotifier {
  url: string;
  port: number;
  journal: Journal;
  metrics: NotifierMetrics;
  /** Stops accepting, lets requests in flight finish, closes the journal. */
  stop(): Promise<void>;
}

const WEBHOOK = /^\/webhook\/tier([123])$/;
const PAYLOAD_STATUS: Record<PayloadError['reason'], number> = { bad_json: 400, bad_version: 400, bad_payload: 400, missing_label: 422 };

const digest = (s: string) => createHash('sha256').update(s).digest();

export async function startNotifier(cfg: NotifierConfig): Promise<RunningNotifier> {
  const metrics = new NotifierMetrics();
  const journal = await Journal.open({ ...cfg.journal, onWrite: (s) => metrics.journalWrite.observe(s) });
  const email = smtpSender(cfg.email);
  const dispatcher = new Dispatcher({ cfg, journal, sms: kannelSender(cfg.sms), email, metrics });
  const tokenDigest = digest(cfg.token);
  let stopping = false;
  const inFlight = new Set<Promise<unknown>>();

  const authorized = (req: IncomingMessage) => {
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    return m !== null && timingSafeEqual(digest(m[1].trim()), tokenDigest);
  };

  const refuse = async (res: ServerResponse, tier: string, status: number, reason: WebhookResult, message: string) => {
    metrics.webhook(reason);
    await journal.append([{ kind: 'rejected', httpStatus: status, reason, message, shortCodes: [], tiers: [tier] }]);
    sendJson(res, status, { status: 'error', reason, error: message });
  };

  const webhook = async (req: IncomingMessage, res: ServerResponse, tier: Tier) => {
    if (!authorized(req)) {
      req.resume();
      return refuse(res, tier, 401, 'unauthorized', 'missing or wrong bearer token: set http_config.authorization in alertmanager.yml to the notifier token');
    }
    let payload;
    try {
      payload = parsePayload(await readBody(req, cfg.maxBodyBytes), cfg.requiredLabels);
    } catch (err) {
      if (err instanceof BodyTooLarge) return refuse(res, tier, 413, 'too_large', err.message);
      if (err instanceof PayloadError) return refuse(res, tier, PAYLOAD_STATUS[err.reason], err.reason, err.message);
      throw err;
    }
    const r = await dispatcher.dispatch(tier, payload);
    // Still failing after our retries on a transient error: a 5xx makes Alertmanager
    // retry the notification; recipients already served are then skipped by dedup.
    const status = r.unavailable > 0 ? 503 : 200;
    metrics.webhook(status === 200 ? 'accepted' : 'failed');
    sendJson(res, status, { status: status === 200 ? 'ok' : 'retry', ...r });
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://notifier');
    const hook = WEBHOOK.exec(url.pathname);
    if (hook && req.method === 'POST') return webhook(req, res, hook[1] as Tier);
    if (req.method !== 'GET') {
      req.resume();
      if (url.pathname.startsWith('/webhook/')) return refuse(res, '', 404, 'not_found', `no webhook at ${url.pathname}: use /webhook/tier1, /webhook/tier2 or /webhook/tier3`);
      return sendJson(res, 405, { error: `${req.method} is not allowed here` });
    }
    switch (url.pathname) {
      case '/healthz': return sendJson(res, 200, { status: 'ok' });
      case '/ready': return sendJson(res, stopping ? 503 : 200, { status: stopping ? 'stopping' : 'ready' });
      case '/metrics': {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        return res.end(text);
      }
      case '/api/journal': {
        try {
          const entries = journal.query(parseJournalQuery(url.searchParams)).map(publicEntry);
          return sendJson(res, 200, { entries }, { 'access-control-allow-origin': '*' });
        } catch (err) {
          if (err instanceof QueryError) return sendJson(res, 400, { error: err.message });
          throw err;
        }
      }
      default: return sendJson(res, 404, { error: `not found: ${url.pathname}` });
    }
  };

  const server = createServer((req, res) => {
    const p = route(req, res).catch((err: Error) => {
      console.error(`notifier: ${req.method} ${req.url}: ${err.stack ?? err.message}`);
      metrics.webhook('failed');
      if (!res.headersSent) sendJson(res, 500, { status: 'error', error: err.message });
      else res.destroy();
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.listen.port, cfg.listen.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${cfg.listen.host}:${port}`,
    port,
    journal,
    metrics,
    async stop() {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.all(inFlight);
      await closed;
      await journal.close();
      email.close();
    },
  };
}
