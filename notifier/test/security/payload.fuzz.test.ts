// Property-based attacks on the webhook payload parser (fast-check): whatever JSON arrives,
// it is parsed or refused with a PayloadError, never another exception; a 10,000-alert
// payload is handled within the body limit; a redelivered payload sends nothing twice.
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/dispatch.js';
import { Journal } from '../../src/journal.js';
import { NotifierMetrics } from '../../src/metrics.js';
import { parsePayload, PayloadError } from '../../src/payload.js';
import { parsedPayload, payload, testConfig, type TestConfig } from '../helpers.js';

const REQUIRED = ['alertname', 'tier', 'severity', 'team'];

/** Parsed, or refused for a stated reason: the only two outcomes allowed. */
function outcome(body: string): 'parsed' | PayloadError['reason'] {
  try {
    parsePayload(body, REQUIRED);
    return 'parsed';
  } catch (err) {
    if (err instanceof PayloadError) return err.reason;
    throw err;
  }
}

/** A payload with any field replaced by any JSON value, at any depth Alertmanager uses. */
const mutated = fc
  .tuple(fc.constantFrom('version', 'groupKey', 'status', 'receiver', 'alerts', 'groupLabels', 'commonLabels', 'commonAnnotations', 'truncatedAlerts', 'alerts.0', 'alerts.0.labels', 'alerts.0.labels.team', 'alerts.0.status', 'alerts.0.fingerprint', 'alerts.0.annotations', 'alerts.0.startsAt'), fc.jsonValue())
  .map(([path, value]) => {
    const raw = payload() as unknown as Record<string, unknown>;
    const keys = path.split('.');
    let at: Record<string, unknown> = raw;
    for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
    at[keys.at(-1)!] = value;
    return JSON.stringify(raw);
  });

describe('the webhook payload parser under fuzzing', () => {
  it('never throws anything but a PayloadError, whatever JSON text arrives', () => {
    fc.assert(fc.property(fc.json(), (body) => void outcome(body)), { numRuns: 2000 });
  });

  it('never throws anything but a PayloadError on any text (truncated, binary, not JSON)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (body) => void outcome(body)), { numRuns: 2000 });
  });

  it('refuses or accepts a payload with any field replaced, never half-way', () => {
    fc.assert(fc.property(mutated, (body) => {
      const r = outcome(body);
      if (r === 'parsed') expect(parsePayload(body, REQUIRED).alerts.length).toBeGreaterThan(0);
    }), { numRuns: 3000 });
  });

  it('parses a 10,000-alert payload that fits the 1 MiB body limit', () => {
    const alerts = Array.from({ length: 10_000 }, (_, i) => ({ status: 'firing', labels: { alertname: 'A', team: 'billing' }, fingerprint: `${i}` }));
    const body = JSON.stringify({ ...payload(), alerts });
    expect(Buffer.byteLength(body)).toBeLessThan(1024 * 1024);
    expect(parsePayload(body, ['alertname', 'team']).alerts).toHaveLength(10_000);
  });
});

describe('redelivered payloads (Alertmanager retries, an HA pair) under fuzzing', () => {
  let tc: TestConfig;
  beforeAll(async () => {
    tc = await testConfig({ sendsmsUrl: 'http://127.0.0.1:9/cgi-bin/sendsms', smtpPort: 9 });
  });
  afterAll(() => tc.cleanup());

  const alertSpec = fc.record({
    team: fc.constantFrom('billing', 'offers', 'technical', 'unknown-team'),
    status: fc.constantFrom('firing' as const, 'resolved' as const),
    fingerprint: fc.stringMatching(/^[0-9a-f]{1,16}$/),
    startsAt: fc.date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  });

  it('sends every message once: a second copy, whole or in part, is all duplicates', async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.constantFrom('1', '2', '3'), fc.array(alertSpec, { minLength: 1, maxLength: 5 }), async (tier, specs) => {
      const journal = await Journal.open({ dir: join(tc.dir, `dedup-${run++}`), retentionDays: 1, segmentMaxBytes: 1 << 20, memoryMaxBytes: 1 << 20, stateWindowMs: 3_600_000 });
      let sent = 0;
      const ok = async () => {
        sent++;
        return { ok: true, transient: false, answer: 'ok' };
      };
      const d = new Dispatcher({ cfg: tc.cfg, journal, metrics: new NotifierMetrics(), sms: ok, email: { send: ok, close: () => {} } });
      const p = parsedPayload({ ...specs[0], tier }, specs.slice(1).map((s) => ({ ...s, tier })));
      const first = await d.dispatch(tier as '1', p);
      expect(first.sent).toBe(sent);
      const again = await Promise.all([d.dispatch(tier as '1', p), d.dispatch(tier as '1', { ...p, alerts: p.alerts.slice(0, 1) })]);
      expect(sent).toBe(first.sent);
      expect(again[0]).toMatchObject({ sent: 0, duplicates: first.sent });
      expect(again[1]).toMatchObject({ sent: 0 });
      // A resolved alert of no known incident tells nobody (nobody was paged for it); a copy
      // of what was told is counted as a duplicate (when the first told nobody, e.g. an alert
      // that fired and resolved within one payload, there is nothing to duplicate).
      if (again[1].incidents.length > 0 && first.sent > 0) expect(again[1].duplicates).toBeGreaterThan(0);
      await journal.close();
    }), { numRuns: 40 });
  });
});
