// The notifier's HTTP service: webhook, journal API, health and metrics, wired to the
// journal and the delivery channels. startNotifier() is what main.ts and the tests run.
import { bodyText, createService, HttpError, listen, reloadRoute, searchParams, sendText, type ReloadResult, type Request, type Route } from '@ussdwatch/common/http.js';
import { jsonLogger, type Logger } from '@ussdwatch/common/log.js';
import { isProduction, productionProblems, UnsafeStartError, webSecurity } from '@ussdwatch/common/web-security.js';
import { timingSafeEqual } from 'node:crypto';
import { maskMsisdn } from '@ussdwatch/common/mask.js';
import { callerOf } from '@ussdwatch/common/web-auth.js';
import { checkAckLink } from './ack-link.js';
import { GRAFANA_USER_HEADER, grafanaUser } from './app-user.js';
import { ConfigError, loadConfig, type NotifierConfig } from './config.js';
import { Dispatcher, type Tier } from './dispatch.js';
import { replyAnswer, parseReply } from './incident-messages.js';
import { incidentsBetween, publicIncident } from './incidents-api.js';
import { personByNumber } from './oncall.js';
import { OnCallLoop } from './oncall-loop.js';
import { AlertmanagerClient } from './silences.js';
import { smtpSender, type EmailSender } from './email.js';
import { Journal } from './journal.js';
import { parseJournalQuery, publicEntry, QueryError } from './journal-api.js';
import { escapeHtml } from './mail-body.js';
import { journalText } from './journal-text.js';
import { isWebhookResult, NotifierMetrics } from './metrics.js';
import { parsePayload, PayloadError } from './payload.js';
import { SMS_CAP_WINDOW_MS } from './sms-cap.js';
import { kannelSender } from './sms.js';
import { HEARTBEAT_ALERT, Watchdog } from './watchdog.js';

export interface RunningNotifier {
  url: string;
  port: number;
  journal: Journal;
  metrics: NotifierMetrics;
  /** Escalations and silences, ticking; tests drive tick() themselves too. */
  oncall: OnCallLoop;
  /**
   * Reads the configuration file again and applies it: teams, on-call file, catalogue,
   * SMS and mail settings, caps, Alertmanager, links. A file that does not validate, or
   * that changes what only a restart applies, is refused (file:line) and the old one stays.
   * `trigger` names the caller in the log (SIGHUP, POST /-/reload).
   */
  reload(trigger?: string): ReloadResult;
  /** Stops accepting, lets requests in flight finish, closes the journal. */
  stop(): Promise<void>;
}

export interface NotifierOptions {
  logger?: Logger;
  /** How often escalations are checked (Alertmanager every 5th time); default 2000 ms. */
  tickMs?: number;
  /**
   * Reads the configuration again for a reload, given the running one; throws a
   * ConfigError to refuse it. Default: the running one's file, with no --web.config.file.
   */
  reloadConfig?: (running: NotifierConfig) => NotifierConfig;
}


const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const DLR_RESULTS: Record<number, 'delivered' | 'undelivered' | 'queued' | 'accepted' | 'failed'> = { 1: 'delivered', 2: 'undelivered', 4: 'queued', 8: 'accepted', 16: 'failed' };

const WEBHOOK = /^\/webhook\/tier([123])$/;
const PAYLOAD_STATUS: Record<PayloadError['reason'], number> = { bad_json: 400, bad_version: 400, bad_payload: 400, missing_label: 422 };

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
  // Alertmanager's token from the notifier's own config acts, with or without a web config;
  // without one, on loopback, reading stays open as it was before web configs.
  const { guard, tls, headers } = webSecurity({
    service: 'notifier',
    host: cfg.listen.host,
    webConfigFile: cfg.webConfigFile,
    setting: 'web_config_file: in the notifier config or --web.config.file',
    tokens: [{ name: 'alertmanager', source: cfg.tokenSource ?? 'auth in the notifier config', token: cfg.token, role: 'act' }],
    open: 'read',
  });
  // Kannel's callback token acts (acknowledges by reply): the demo one never runs in production.
  const callbackProblems = cfg.callback && isProduction(process.env)
    ? productionProblems([{ name: 'kannel-callback', source: 'sms.callback_token_file', token: cfg.callback.token, role: 'act' }], null)
    : [];
  if (callbackProblems.length) throw new UnsafeStartError(`notifier: refusing to start in production: ${callbackProblems.join('; ')}`);
  const journal = await Journal.open({
    ...cfg.journal,
    // Incidents are read back over half a day: an open one is re-journaled far more often.
    stateWindowMs: Math.max(cfg.dedupWindowMs, SMS_CAP_WINDOW_MS, 12 * 3_600_000),
    onWrite: (s) => metrics.journalWrite.observe(s),
  });
  const mailTransport = (c: NotifierConfig['email']) => {
    if (!c.requireTls && !c.secure) {
      logger.log('warn', 'mail may be sent without TLS (email.require_tls: false): acceptable for a local catcher only', {
        config: cfg.file,
        smtp: `${c.host}:${c.port}`,
        password: c.user ? 'sent in clear if the server offers no STARTTLS' : 'none configured',
      });
    }
    return smtpSender(c);
  };
  let smtp = mailTransport(cfg.email);
  // The dispatcher keeps this one sender; a reload that changes the mail settings swaps the transport behind it.
  const email: EmailSender = { send: (to, mail) => smtp.send(to, mail), close: () => smtp.close() };
  // cfg is the one object the dispatcher, the on-call loop and the routes read: a reload assigns into it.
  const dispatcher = new Dispatcher({ cfg, journal, sms: kannelSender(() => cfg.sms), email, metrics });
  const watchdog = new Watchdog(dispatcher, metrics, logger, Date.now());
  const oncall = new OnCallLoop(dispatcher, new AlertmanagerClient(() => cfg.alertmanager), logger, watchdog);
  metrics.watchIncidents(journal.incidents);
  let stopping = false;

  /** Kannel's calls carry the callback token in their URL (Kannel cannot send headers). */
  const kannelCall = (req: Request): URLSearchParams => {
    const q = searchParams(req);
    if (!cfg.callback || !sameSecret(q.get('token') ?? '', cfg.callback.token)) throw new HttpError(401, 'unauthorized', 'Kannel callbacks need the callback token (sms.callback_token_file) in their URL');
    return q;
  };

  /** An SMS reply: only from a number of the on-call file; the answer is the body, which Kannel sends back. */
  const reply = async (from: string, text: string): Promise<string> => {
    const person = personByNumber(cfg.oncall, from);
    const lang = person?.language ?? 'fr';
    const c = dispatcher.context(lang);
    const masked = maskMsisdn(from);
    const code = parseReply(text);
    let outcome: string;
    let answer = '';
    let incidentId: number | null = code?.id ?? null;
    if (!person) {
      outcome = 'refused';
      logger.log('warn', 'SMS reply from a number not in the on-call file: refused', { from: masked });
    } else if (!code) {
      outcome = 'help';
      answer = replyAnswer('help', undefined, c);
    } else {
      const r = await oncall.acknowledge(code.id, { label: masked, name: person.name, recipientKey: dispatcher.recipientKey('sms', person.sms!) }, code.action === 'close');
      outcome = r.result;
      incidentId = r.incident?.id ?? null;
      answer = replyAnswer(r.result, r.incident, c);
    }
    metrics.reply(outcome);
    await journal.append([{ kind: 'reply', from: masked, text: journalText(text), outcome, incidentId, shortCodes: [], tiers: [] }]);
    return answer;
  };

  /** Every refusal is counted; a refused webhook payload is also journaled, its message masked and cut. */
  const recordError = async (req: Request, e: HttpError) => {
    if (e.status < 500) metrics.refused(e.reason);
    if (!req.path.startsWith('/webhook/')) return;
    metrics.webhook(e.status >= 500 ? 'failed' : isWebhookResult(e.reason) ? e.reason : 'bad_request');
    if (!JOURNALED_REFUSALS.has(e.reason)) return;
    const tier = WEBHOOK.exec(req.path)?.[1];
    await journal.append([{ kind: 'rejected', httpStatus: e.status, reason: e.reason, message: journalText(e.message), shortCodes: [], tiers: tier ? [tier] : [] }]);
  };

  /** Alertmanager's payload, or the 4xx saying what is wrong with it. */
  const webhookPayload = (req: Request, requiredLabels: string[]) => {
    try {
      return parsePayload(bodyText(req), requiredLabels);
    } catch (err) {
      if (err instanceof PayloadError) throw new HttpError(PAYLOAD_STATUS[err.reason], err.reason, err.message);
      throw err;
    }
  };

  const routes: Route[] = [
    {
      method: 'POST',
      path: '/webhook/:tier',
      access: 'act',
      handle: async (req, res) => {
        if (req.path === '/webhook/watchdog') {
          // A heartbeat is only remembered: no journal line, no incident (watchdog.ts).
          if (!webhookPayload(req, ['alertname']).alerts.some((a) => a.status === 'firing' && a.labels.alertname === HEARTBEAT_ALERT)) {
            throw new HttpError(400, 'bad_payload', `a heartbeat carries the firing ${HEARTBEAT_ALERT} alert (prometheus/rules/watchdog.yml): route only it to /webhook/watchdog`);
          }
          watchdog.heartbeat(Date.now());
          metrics.webhook('accepted');
          res.json({ status: 'ok' });
          return;
        }
        const tier = WEBHOOK.exec(req.path)?.[1] as Tier | undefined;
        if (!tier) throw new HttpError(404, 'not_found', `no webhook at ${req.path}: use /webhook/tier1, /webhook/tier2, /webhook/tier3 or /webhook/watchdog`);
        const r = await dispatcher.dispatch(tier, webhookPayload(req, cfg.requiredLabels));
        // Still failing after our retries on a transient error: a 5xx makes Alertmanager
        // retry the notification; recipients already served are then skipped by dedup.
        const status = r.unavailable > 0 ? 503 : 200;
        metrics.webhook(status === 200 ? 'accepted' : 'failed');
        res.status(status).json({ status: status === 200 ? 'ok' : 'retry', ...r });
      },
    },
    {
      method: 'GET',
      path: '/api/incidents',
      access: 'read',
      handle: (req, res) => {
        try {
          res.json({ incidents: incidentsBetween(journal.incidents.all(), searchParams(req)).map(publicIncident) });
        } catch (err) {
          if (!(err instanceof QueryError)) throw err;
          res.status(400).json({ error: err.message });
        }
      },
    },
    {
      method: 'POST',
      path: '/api/incidents/:id/ack',
      access: 'act',
      handle: async (req, res) => {
        const id = Number(req.params.id);
        const close = searchParams(req).get('close') === 'true';
        // The Grafana user behind the app's token, else the token (or web config user) itself.
        const user = grafanaUser(req.headers[GRAFANA_USER_HEADER]);
        const by = user ?? `app (${callerOf(req) ?? 'anonymous'})`;
        const r = await oncall.acknowledge(id, { label: by, name: by }, close);
        if (r.result === 'unknown') throw new HttpError(404, 'not_found', `no incident #${req.params.id}`);
        res.status(r.result === 'already' ? 409 : 200).json({ result: r.result, incident: publicIncident(r.incident!) });
      },
    },
    {
      method: 'GET',
      path: '/api/sms/mo',
      access: 'open',
      handle: async (req, res) => {
        const q = kannelCall(req);
        sendText(res, 'text/plain; charset=utf-8', await reply(q.get('from') ?? '', q.get('text') ?? ''));
      },
    },
    {
      method: 'GET',
      path: '/api/sms/dlr',
      access: 'open',
      handle: async (req, res) => {
        const q = kannelCall(req);
        const incidentId = Number(q.get('incident'));
        const dlr = Number(q.get('type'));
        const result = DLR_RESULTS[dlr];
        const recipientKey = q.get('to') ?? '';
        const inc = journal.incidents.get(incidentId);
        // The report may come before the incident records the SMS: the number is found by its keyed hash.
        const to = dispatcher.recipientOf(recipientKey);
        if (!result || !inc || to?.channel !== 'sms') throw new HttpError(400, 'bad_request', 'not a delivery report of an SMS the notifier sent');
        const phase = q.get('phase') ?? '';
        await journal.append([{ kind: 'delivery', incidentId, recipient: maskMsisdn(to.address), recipientKey, phase, dlr, result, shortCodes: inc.short_code ? [inc.short_code] : [], tiers: [String(inc.tier)] }]);
        metrics.dlr(result);
        // Not delivered: the person's mail now; the chain's next step on the next tick.
        if (result === 'undelivered' || result === 'failed') await dispatcher.fallbackMail(incidentId, recipientKey, phase);
        res.json({ status: 'ok' });
      },
    },
    {
      method: 'GET',
      path: '/ack/:id',
      access: 'open',
      handle: (req, res) => {
        const q = searchParams(req);
        const problem = checkAckLink(cfg.token, Number(req.params.id), q.get('exp'), q.get('sig'));
        const inc = journal.incidents.get(Number(req.params.id));
        res.status(problem ? 403 : 200).type('html').send(ackPage(String(req.params.id), problem, inc?.state, q));
      },
    },
    {
      method: 'POST',
      path: '/ack/:id',
      access: 'open',
      handle: async (req, res) => {
        const q = searchParams(req);
        const id = Number(req.params.id);
        const problem = checkAckLink(cfg.token, id, q.get('exp'), q.get('sig'));
        if (problem) throw new HttpError(403, 'forbidden', problem);
        const r = await oncall.acknowledge(id, { label: 'mail link', name: 'mail link' }, false);
        res.type('html').send(`<!DOCTYPE html><p>Incident #${id}: ${r.result === 'ack' ? 'acknowledged, its alerts are silenced' : r.result === 'already' ? `already ${r.incident?.state}` : 'unknown'}.</p>`);
      },
    },
    reloadRoute(reload),
    { method: 'GET', path: '/healthz', access: 'open', handle: (_req, res) => void res.json({ status: 'ok' }) },
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
    guard,
    headers,
    bodyLimit: { bytes: cfg.maxBodyBytes, setting: 'limits.max_body_bytes' },
    onError: recordError,
  });
  const http = await listen(service, { ...cfg.listen, tls, setting: 'listen.port in the notifier config' });
  oncall.start(opts.tickMs);
  const reloadConfig = opts.reloadConfig ?? ((running: NotifierConfig) => loadConfig(running.file, process.env, { running }));
  function reload(trigger = 'reload()'): ReloadResult {
    let next: NotifierConfig;
    try {
      next = reloadConfig(cfg);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      metrics.reloaded(false);
      logger.log('error', 'configuration reload refused; the previous one keeps running', { trigger, config: cfg.file, error: err.message });
      return { ok: false, error: err.message };
    }
    if (JSON.stringify(next.email) !== JSON.stringify(cfg.email)) {
      const old = smtp;
      smtp = mailTransport(next.email);
      old.close();
    }
    // Only what a reload may change differs (loadConfig refused the rest): all of it applies.
    Object.assign(cfg, next);
    metrics.reloaded(true);
    logger.log('info', 'configuration reloaded', { trigger, config: cfg.file, oncall: next.oncall?.file ?? null, teams: [...next.teams.keys()] });
    return { ok: true };
  }
  return {
    url: http.url,
    port: http.port,
    journal,
    metrics,
    oncall,
    reload,
    async stop() {
      stopping = true;
      await oncall.stop();
      await http.close();
      await journal.close();
      smtp.close();
    },
  };
}

/** The page the mail's link opens: one button that POSTs, so a mail scanner fetching links acknowledges nothing. */
function ackPage(id: string, problem: string | null, state: string | undefined, q: URLSearchParams): string {
  const head = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>ussdwatch incident #${escapeHtml(id)}</title></head><body style="font-family: sans-serif">`;
  if (problem) return `${head}<p>${escapeHtml(problem)}.</p></body></html>`;
  const action = `/ack/${encodeURIComponent(id)}?exp=${encodeURIComponent(q.get('exp') ?? '')}&sig=${encodeURIComponent(q.get('sig') ?? '')}`;
  return `${head}<h2>Incident #${escapeHtml(id)} (${escapeHtml(state ?? 'unknown')})</h2><form method="post" action="${escapeHtml(action)}"><button type="submit">Acknowledge / prendre en charge</button></form></body></html>`;
}
