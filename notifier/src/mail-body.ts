// The mail of a notification: subject, plain text and HTML, laid out from its Notice.
// Every value comes from labels and annotations, text an alert rule (or anyone who can
// post to Alertmanager) controls: in the HTML it is always escaped, and a link is live
// only when it is an absolute http(s) URL; anything else (javascript:, data:, a
// malformed URL) is shown as inert text.
import type { IncidentAlert } from './incidents.js';
import { noticeOf, type AlertNotice, type Notice } from './messages.js';
import type { WebhookPayload } from './payload.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** The URL when it is an absolute http or https URL, else null. */
export function webLink(raw: string): URL | null {
  if (!URL.canParse(raw)) return null;
  const url = new URL(raw);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

const NOT_A_LINK = 'not an http(s) link';

function subject(n: Notice): string {
  const count = n.status === 'firing' ? ` (${n.firing} firing)` : '';
  return `[ussdwatch T${n.tier}] ${n.status.toUpperCase()}: ${n.alertname} ${n.shortCode}${count}`.replace(/\s+/g, ' ').trim();
}

function headline(n: Notice): string {
  return `${n.status.toUpperCase()}: ${n.alertname}${n.shortCode ? ` on ${n.shortCode}` : ''}`;
}

function about(n: Notice): string {
  return [`tier ${n.tier}`, n.team && `team ${n.team}`].filter(Boolean).join(', ');
}

function where(a: AlertNotice): string {
  const parts: [string, string][] = [['short code', a.shortCode], ['class', a.class], ['cause', a.cause], ['node', a.node]];
  return parts.filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`).join(', ');
}

const links = (a: AlertNotice): [string, string][] =>
  ([['runbook', a.runbookUrl], ['dashboard', a.dashboardUrl]] as [string, string][]).filter(([, url]) => url);

function text(n: Notice): string {
  const alerts = n.alerts.map((a) => [
    `- [${a.status.toUpperCase()}] ${a.summary}`,
    a.description && `  ${a.description}`,
    where(a) && `  ${where(a)}`,
    `  since: ${a.since}`,
    ...links(a).map(([name, url]) => `  ${name}: ${url}${webLink(url) ? '' : ` (${NOT_A_LINK})`}`),
  ].filter(Boolean).join('\n'));
  return [`${headline(n)} (${about(n)})`, '', ...alerts.flatMap((a) => [a, '']), `-- ussdwatch, receiver ${n.receiver}`].join('\n');
}

function linkHtml(name: string, raw: string): string {
  const url = webLink(raw);
  if (url) return `<a href="${escapeHtml(url.href)}">${name}</a>`;
  return `${name}: <code>${escapeHtml(raw)}</code> (${NOT_A_LINK})`;
}

function rowHtml(a: AlertNotice): string {
  const cells = [
    a.status,
    escapeHtml(a.summary) + (a.description ? `<br><small>${escapeHtml(a.description)}</small>` : ''),
    escapeHtml(a.shortCode),
    escapeHtml([a.class, a.cause].filter(Boolean).join(' ')),
    escapeHtml(a.node),
    escapeHtml(a.since),
    links(a).map(([name, url]) => linkHtml(name, url)).join(' '),
  ];
  return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

function html(n: Notice): string {
  const colour = n.status === 'firing' ? '#b00020' : '#1b5e20';
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"></head><body style="font-family: sans-serif">',
    `<h2 style="color: ${colour}">${escapeHtml(headline(n))}</h2>`,
    `<p>${escapeHtml(about(n))}</p>`,
    '<table cellpadding="4" style="border-collapse: collapse" border="1">',
    '<tr><th>Status</th><th>Summary</th><th>Short code</th><th>Cause</th><th>Node</th><th>Since</th><th>Links</th></tr>',
    ...n.alerts.map(rowHtml),
    '</table>',
    `<p><small>ussdwatch, receiver ${escapeHtml(n.receiver)}</small></p>`,
    '</body></html>',
  ].join('\n');
}

/** The incident the mail is about, its signed acknowledgement link while it is open, and all its alerts. */
export interface MailExtra {
  incident: string;
  ackUrl?: string;
  /**
   * Every alert of the incident so far: a notification carries only its own rule's alerts,
   * and one fault raises several rules (a slow code's timeouts, its latency), each with its
   * class and cause, which the reader needs together.
   */
  alerts?: IncidentAlert[];
}

function incidentAlertLine(a: IncidentAlert): string {
  const parts = [a.alertname, `tier ${a.tier}`, a.class && `class: ${a.class}`, a.cause && `cause: ${a.cause}`, a.starts_at && `since ${a.starts_at}`, a.ends_at ? `ended ${a.ends_at}` : 'firing'];
  return parts.filter(Boolean).join(', ');
}

export function mailMessage(p: WebhookPayload, extra?: MailExtra): RenderedEmail {
  const n = noticeOf(p);
  if (!extra) return { subject: subject(n), text: text(n), html: html(n) };
  const ackText = extra.ackUrl ? `\nacknowledge (silences its alerts, stops the escalation): ${extra.ackUrl}` : '';
  const ackHtml = extra.ackUrl ? ` <a href="${escapeHtml(extra.ackUrl)}">Acknowledge / prendre en charge</a>` : '';
  const lines = (extra.alerts ?? []).map(incidentAlertLine);
  const alertsText = lines.length ? `\n\nalerts of this incident:\n${lines.map((l) => `- ${l}`).join('\n')}` : '';
  const alertsHtml = lines.length ? `\n<p>Alerts of this incident:</p><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '';
  return {
    subject: `${subject(n)} ${extra.incident.replace(/ \(.*\)$/, '')}`,
    text: `${extra.incident}${ackText}${alertsText}\n\n${text(n)}`,
    html: html(n).replace('<body style="font-family: sans-serif">', `<body style="font-family: sans-serif">\n<p>${escapeHtml(extra.incident)}${ackHtml}</p>${alertsHtml}`),
  };
}
