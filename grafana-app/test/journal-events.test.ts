import { describe, expect, it } from 'vitest';
import { ensureMasked, parseEvents, parseMalformed } from '../src/data/events.js';
import { channelsOf, codesOf, filterJournal, parseJournal } from '../src/data/journal.js';
import { describeFailure } from '../src/data/load-error.js';

describe('notifier journal', () => {
  // The shape of notifier/src/journal.ts, newest first as the API sends it.
  const body = {
    entries: [
      { kind: 'attempt', seq: 4, ts: '2026-11-21T13:00:03Z', shortCodes: ['*710#'], tiers: ['3'], notification: 1, channel: 'email', team: 'billing', recipient: 'noc***@djezzy.dz', result: 'failed', attempt: 3, gatewayStatus: 550, gatewayAnswer: 'mailbox unavailable', durationMs: 12 },
      { kind: 'rejected', seq: 3, ts: '2026-11-21T13:00:02Z', shortCodes: [], tiers: ['2'], httpStatus: 422, reason: 'missing_label', message: 'alert without short_code' },
      { kind: 'attempt', seq: 2, ts: '2026-11-21T13:00:01Z', shortCodes: ['*710#'], tiers: ['3'], notification: 1, channel: 'sms', team: 'billing', recipient: '2137*****456', result: 'sent', attempt: 1, gatewayStatus: 202, gatewayAnswer: '0: Accepted for delivery', durationMs: 40 },
      { kind: 'received', seq: 1, ts: '2026-11-21T13:00:00Z', shortCodes: ['*710#'], tiers: ['3'], receiver: 'tier3-critical', groupKey: 'g', status: 'firing', alerts: [{ fingerprint: 'f', status: 'firing', alertname: 'ShortCodeAppTimeouts' }] },
    ],
  };

  it('shows an interrupted delivery as in doubt, and hides the bookkeeping of attempts started', () => {
    const j = parseJournal({
      entries: [
        { kind: 'attempt', seq: 3, ts: '2026-11-21T13:00:05Z', shortCodes: ['*710#'], tiers: ['3'], notification: 1, channel: 'sms', team: 'billing', recipient: '2137*****456', result: 'in_doubt', message: 'previous attempt interrupted at 2026-11-21T13:00:01Z; not resent to avoid a duplicate' },
        { kind: 'attempt', seq: 2, ts: '2026-11-21T13:00:01Z', shortCodes: ['*710#'], tiers: ['3'], notification: 1, channel: 'sms', team: 'billing', recipient: '2137*****456', result: 'started', attempt: 1 },
        body.entries[3],
      ],
    });
    expect(j).toHaveLength(1);
    expect(j[0]).toMatchObject({ status: 'in_doubt', delivered: undefined, detail: expect.stringContaining('not resent to avoid a duplicate') });
  });

  it('lists every message sent and every rejected notification, with the alert it carried', () => {
    const j = parseJournal(body);
    expect(j.map((e) => e.status)).toEqual(['failed', 'rejected', 'sent']);
    expect(j[2]).toMatchObject({ alertname: 'ShortCodeAppTimeouts (firing)', shortCodes: ['*710#'], tier: 3, channel: 'sms', recipient: '2137*****456', delivered: true, detail: '202 0: Accepted for delivery' });
    expect(j[0]).toMatchObject({ delivered: false, detail: 'attempt 3; 550 mailbox unavailable' });
    expect(j[1]).toMatchObject({ delivered: false, channel: '', detail: 'HTTP 422: alert without short_code' });
  });

  it('filters by tier, channel and code', () => {
    const j = parseJournal(body);
    expect(filterJournal(j, { tier: '3', channel: 'SMS' })).toHaveLength(1);
    expect(filterJournal(j, { code: '*710#' })).toHaveLength(2);
    expect(channelsOf(j)).toEqual(['email', 'sms']);
    expect(codesOf(j)).toEqual(['*710#']);
  });

  it('rejects a body that is not a journal', () => {
    expect(() => parseJournal({ error: 'unauthorized' })).toThrow('{entries: [...]}');
  });
});

describe('exporter events', () => {
  it('reads events bare or wrapped, masking any number left whole', () => {
    const ev = { ts: '2026-11-21T12:45:02.123Z', node: 'gw01', session: '7f3a', msisdn: '213770123456', ussd: '*710#', status: 'FAILED_APP_TIMEOUT', app_ms: null, dialog_ms: '25012', class: 'internal', cause: 'app_timeout', reason: 'status FAILED_APP_TIMEOUT' };
    const [e] = parseEvents({ events: [ev] });
    expect(e.msisdn).toBe('2137*****456');
    expect(e.appMs).toBeUndefined();
    expect(e.dialogMs).toBe(25012);
    expect(parseEvents([ev])).toHaveLength(1);
    expect(ensureMasked('2137*****456')).toBe('2137*****456');
  });

  it("reads the learned model's guess for unclassified events, and none for the others", () => {
    const ev = { ts: '2026-11-21T12:45:02.123Z', status: 'DIALOG_TIMEOUT_EXPIRED', class: 'unclassified', cause: 'unknown_status' };
    expect(parseEvents([{ ...ev, guess: { class: 'user', cause: 'abandoned', confidence: 0.934, confident: true } }])[0].guess).toBe('user/abandoned, 93 %, confident');
    expect(parseEvents([{ ...ev, guess: { class: 'internal', cause: 'overload', confidence: 0.41, confident: false } }])[0].guess).toBe('internal/overload, 41 %, unsure');
    expect(parseEvents([{ ...ev, guess: null }])[0].guess).toBe('');
    expect(parseEvents([{ ...ev, class: 'ok', cause: 'ok' }])[0].guess).toBe('');
  });

  it('reads malformed samples', () => {
    expect(parseMalformed([{ source: 'gw01', reason: 'field_count', file: 'a.log', at: 5, line: 'x|y' }])[0]).toMatchObject({ source: 'gw01', line: 'x|y' });
  });
});

describe('load errors', () => {
  it('names the backend and the kind of failure', () => {
    expect(describeFailure({ status: 502, data: { message: 'Bad Gateway' } }, 'Prometheus')).toMatchObject({ kind: 'down', message: 'Prometheus is unreachable (HTTP 502): Bad Gateway' });
    expect(describeFailure({ status: 400, data: { status: 'error', error: 'parse error' } }, 'Prometheus').kind).toBe('query');
    expect(describeFailure({ status: 401, data: {} }, 'Notifier journal').message).toContain('check the token');
    expect(describeFailure({ status: 404, data: { message: 'Unable to find datasource' } }, 'Alertmanager').kind).toBe('config');
    expect(describeFailure(new TypeError('Failed to fetch'), 'Exporter').kind).toBe('down');
  });
});
