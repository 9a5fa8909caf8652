// What a notification tells people, read from the webhook payload. The alert text itself
// is rendered by Prometheus from the rule's annotations (summary, description,
// runbook_url, dashboard_url); here it is only picked, counted and masked. The mail is
// laid out in mail-body.ts from this Notice; the SMS tells the incident (incident-messages.ts).
import { maskMsisdns } from '@ussdwatch/common/mask.js';
import type { WebhookAlert, WebhookPayload } from './payload.js';

export interface AlertNotice {
  status: 'firing' | 'resolved';
  summary: string;
  description: string;
  shortCode: string;
  class: string;
  cause: string;
  node: string;
  /** startsAt as `2026-11-21 12:45:02 UTC`. */
  since: string;
  /** As Prometheus rendered them: not yet checked to be web links (see mail-body.ts). */
  runbookUrl: string;
  dashboardUrl: string;
}

export interface Notice {
  status: 'firing' | 'resolved';
  tier: string;
  alertname: string;
  /** Empty for alerts about a node, a log source or the DPSS feed. */
  shortCode: string;
  team: string;
  receiver: string;
  firing: number;
  total: number;
  /** The group's common summary, else each alert's, distinct ones joined by "; ". */
  summary: string;
  alerts: AlertNotice[];
}

function since(startsAt: string): string {
  const t = new Date(startsAt);
  return Number.isNaN(t.getTime()) ? maskMsisdns(startsAt) : `${t.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function alertNotice(a: WebhookAlert): AlertNotice {
  // A subscriber number that slipped into a label or an annotation (a USSD string with a
  // number in it, a description quoting a log line) never reaches a phone or a mailbox in clear.
  const label = (name: string) => maskMsisdns(a.labels[name] ?? '');
  const note = (name: string) => maskMsisdns(a.annotations[name] ?? '');
  return {
    status: a.status,
    summary: note('summary'),
    description: note('description'),
    shortCode: label('short_code'),
    class: label('class'),
    cause: label('cause'),
    node: label('node'),
    since: since(a.startsAt),
    runbookUrl: note('runbook_url'),
    dashboardUrl: note('dashboard_url'),
  };
}

export function noticeOf(p: WebhookPayload): Notice {
  const alerts = p.alerts.map(alertNotice);
  const common = (name: string) => maskMsisdns(p.commonLabels[name] ?? '');
  const group = (name: string) => maskMsisdns(p.groupLabels[name] ?? '');
  const summary = p.commonAnnotations.summary
    ? maskMsisdns(p.commonAnnotations.summary)
    : [...new Set(alerts.map((a) => a.summary).filter(Boolean))].join('; ');
  return {
    status: p.status,
    tier: common('tier'),
    alertname: group('alertname') || common('alertname'),
    shortCode: group('short_code'),
    team: common('team'),
    receiver: maskMsisdns(p.receiver),
    firing: alerts.filter((a) => a.status === 'firing').length,
    total: alerts.length,
    summary,
    alerts,
  };
}
