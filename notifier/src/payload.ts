// The Alertmanager webhook payload (version 4), checked field by field: a payload that is
// not what Alertmanager sends is refused with a message saying what is wrong, never
// half-processed.

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface WebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

/** Why a payload was refused; `reason` is a bounded metric label value. */
export class PayloadError extends Error {
  constructor(
    readonly reason: 'bad_json' | 'bad_version' | 'bad_payload' | 'missing_label',
    message: string,
  ) {
    super(message);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(v: unknown, where: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObj(v) || Object.values(v).some((x) => typeof x !== 'string')) throw new PayloadError('bad_payload', `${where} must be an object of strings`);
  return v as Record<string, string>;
}

function str(v: unknown, where: string, optional = false): string {
  if (typeof v === 'string' && (optional || v !== '')) return v;
  if (optional && (v === undefined || v === null)) return '';
  throw new PayloadError('bad_payload', `${where} must be a ${optional ? '' : 'non-empty '}string`);
}

function status(v: unknown, where: string): 'firing' | 'resolved' {
  if (v === 'firing' || v === 'resolved') return v;
  throw new PayloadError('bad_payload', `${where} must be "firing" or "resolved", got ${JSON.stringify(v)}`);
}

/** Parses the request body; `required` are labels every alert must carry. */
export function parsePayload(body: string, required: readonly string[]): WebhookPayload {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    throw new PayloadError('bad_json', `body is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObj(raw)) throw new PayloadError('bad_json', 'body must be a JSON object');
  if (raw.version !== '4') {
    throw new PayloadError('bad_version', `unsupported payload version ${JSON.stringify(raw.version)}: this notifier reads Alertmanager webhook version "4"`);
  }
  if (!Array.isArray(raw.alerts) || raw.alerts.length === 0) throw new PayloadError('bad_payload', 'alerts must be a non-empty array');
  const alerts = raw.alerts.map((a: unknown, i: number): WebhookAlert => {
    const where = `alerts[${i}]`;
    if (!isObj(a)) throw new PayloadError('bad_payload', `${where} must be an object`);
    const labels = stringMap(a.labels, `${where}.labels`);
    const missing = required.filter((l) => !labels[l]);
    if (missing.length) {
      throw new PayloadError('missing_label', `${where} (alertname ${labels.alertname ?? '?'}) lacks required label(s) ${missing.join(', ')}; add them in the Prometheus rule`);
    }
    return {
      status: status(a.status, `${where}.status`),
      labels,
      annotations: stringMap(a.annotations, `${where}.annotations`),
      startsAt: str(a.startsAt, `${where}.startsAt`, true),
      endsAt: str(a.endsAt, `${where}.endsAt`, true),
      generatorURL: str(a.generatorURL, `${where}.generatorURL`, true),
      fingerprint: str(a.fingerprint, `${where}.fingerprint`),
    };
  });
  return {
    version: '4',
    groupKey: str(raw.groupKey, 'groupKey'),
    truncatedAlerts: typeof raw.truncatedAlerts === 'number' ? raw.truncatedAlerts : 0,
    status: status(raw.status, 'status'),
    receiver: str(raw.receiver, 'receiver', true),
    groupLabels: stringMap(raw.groupLabels, 'groupLabels'),
    commonLabels: stringMap(raw.commonLabels, 'commonLabels'),
    commonAnnotations: stringMap(raw.commonAnnotations, 'commonAnnotations'),
    externalURL: str(raw.externalURL, 'externalURL', true),
    alerts,
  };
}
