// The watchdog's pure core: heartbeat times and now in, the state change to page out; its
// texts; who it pages. The real pipeline dying and coming back: watchdog-chain.test.ts.
import { join } from 'node:path';
import { jsonLogger } from '@ussdwatch/common/log.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../src/config.js';
import { Dispatcher } from '../src/dispatch.js';
import { Journal } from '../src/journal.js';
import { NotifierMetrics } from '../src/metrics.js';
import { GSM7_LIMIT } from '../src/sms-fit.js';
import { Watchdog, watchdogCheck, watchdogMail, watchdogRecipients, watchdogSms, type WatchdogState } from '../src/watchdog.js';
import { testConfig } from './helpers.js';

const T0 = Date.parse('2026-11-29T13:02:00Z'); // 14:02 in Algiers
const MIN = 60_000;
const TIMEOUT = 5 * MIN;
const state = (s: Partial<WatchdogState> = {}): WatchdogState => ({ startedAt: T0, lastHeartbeat: null, silentSince: null, ...s });

describe('watchdogCheck', () => {
  it('a pipeline that never came up is silent one timeout after start-up, not before', () => {
    expect(watchdogCheck(state(), T0 + TIMEOUT - 1, TIMEOUT)).toBeNull();
    expect(watchdogCheck(state(), T0 + TIMEOUT, TIMEOUT)).toEqual({ state: 'silent', since: T0 });
  });

  it('counts from the last heartbeat: heartbeats keep it quiet, their stop pages', () => {
    const s = state({ lastHeartbeat: T0 + 10 * MIN });
    expect(watchdogCheck(s, T0 + 14 * MIN, TIMEOUT)).toBeNull();
    expect(watchdogCheck(s, T0 + 15 * MIN, TIMEOUT)).toEqual({ state: 'silent', since: T0 + 10 * MIN });
  });

  it('pages a silence once: nothing more while it lasts, however long', () => {
    const s = state({ lastHeartbeat: T0, silentSince: T0 });
    expect(watchdogCheck(s, T0 + 6 * MIN, TIMEOUT)).toBeNull();
    expect(watchdogCheck(s, T0 + 600 * MIN, TIMEOUT)).toBeNull();
  });

  it('the first heartbeat after the silence is the pipeline back', () => {
    const s = state({ lastHeartbeat: T0 + 18 * MIN, silentSince: T0 });
    expect(watchdogCheck(s, T0 + 18 * MIN, TIMEOUT)).toEqual({ state: 'back', since: T0, at: T0 + 18 * MIN });
  });

  it('after a restart during a silence (silentSince from the journal): no second page, the end still told', () => {
    const restarted = state({ startedAt: T0 + 30 * MIN, silentSince: T0 });
    expect(watchdogCheck(restarted, T0 + 300 * MIN, TIMEOUT)).toBeNull();
    expect(watchdogCheck({ ...restarted, lastHeartbeat: T0 + 301 * MIN }, T0 + 301 * MIN, TIMEOUT)).toEqual({ state: 'back', since: T0, at: T0 + 301 * MIN });
  });
});

describe('watchdog messages', () => {
  const silent = { state: 'silent', since: T0 } as const;
  const back = { state: 'back', since: T0, at: T0 + 18 * MIN } as const;

  it('say what is known, in local time, French by default, each in one SMS', () => {
    const fr = watchdogSms(silent, 'fr', 'Africa/Algiers');
    expect(fr.text).toBe('ussdwatch: aucun signal de Prometheus/Alertmanager depuis 14:02 (Africa/Algiers): les alertes ne vous joignent plus; vérifiez Prometheus, Alertmanager, réseau');
    expect(watchdogSms(silent, 'en', 'Africa/Algiers').text).toBe('ussdwatch: no heartbeat from Prometheus/Alertmanager since 14:02 (Africa/Algiers): alerts cannot reach you; check Prometheus, Alertmanager and network');
    expect(watchdogSms(back, 'fr', 'Africa/Algiers').text).toBe('ussdwatch: signal de Prometheus/Alertmanager revenu à 14:20 (muet depuis 14:02): les alertes vous parviennent de nouveau');
    expect(watchdogSms(back, 'en', 'Africa/Algiers').text).toBe('ussdwatch: heartbeat from Prometheus/Alertmanager back at 14:20 (silent since 14:02): alerts reach you again');
    for (const c of [silent, back]) {
      for (const lang of ['fr', 'en'] as const) {
        const sms = watchdogSms(c, lang, 'Africa/Algiers');
        expect([sms.encoding, sms.truncated, sms.units <= GSM7_LIMIT]).toEqual(['gsm7', false, true]);
      }
    }
  });

  it('the mail names the silence and where to look', () => {
    const m = watchdogMail(silent, 'Africa/Algiers');
    expect(m.subject).toBe('[ussdwatch] pipeline silent: no heartbeat since 14:02 (Africa/Algiers)');
    expect(m.text).toContain('docs/runbooks/Watchdog.md');
    expect(watchdogMail(back, 'Africa/Algiers').subject).toBe('[ussdwatch] pipeline back at 14:20 (Africa/Algiers)');
  });
});

describe('watchdogRecipients', () => {
  it("pages the shipped ussdwatch team's on-call (first step of its chain, in their language) and mails the team", () => {
    const cfg = loadConfig(DEFAULT_CONFIG_FILE, {});
    expect(watchdogRecipients(cfg, 'ussdwatch', T0)).toEqual([
      { channel: 'sms', team: 'ussdwatch', address: '213770000801', language: 'en' },
      { channel: 'email', team: 'ussdwatch', address: 'ussdwatch-admins@djezzy.dz', language: undefined },
    ]);
    // A team with a tier-3 chain: its first step (the critical list), and the critical mail list.
    expect(watchdogRecipients(cfg, 'technical', T0).map((r) => r.address)).toEqual(['213770000902', '213770000903', 'noc-critical@djezzy.dz', 'ussd-platform-leads@djezzy.dz']);
  });

  it('without an on-call file: the team’s on-call numbers and mail list', () => {
    const { oncall: _none, ...cfg } = loadConfig(DEFAULT_CONFIG_FILE, {});
    const teams = new Map(cfg.teams).set('ussdwatch', { emails: ['a@djezzy.dz'], oncallSms: ['213770000111'], criticalSms: [], criticalEmails: [] });
    expect(watchdogRecipients({ teams }, 'ussdwatch', T0).map((r) => `${r.channel}:${r.address}`)).toEqual(['sms:213770000111', 'email:a@djezzy.dz']);
  });
});

describe('Watchdog across a restart (a real journal, counting senders)', () => {
  it('reads the silence back: no second page, one "back" at the first heartbeat; a fresh start gives one timeout of grace', async () => {
    const tc = await testConfig({ sendsmsUrl: 'http://127.0.0.1:9/cgi-bin/sendsms', smtpPort: 9 });
    const cfg = { ...tc.cfg, watchdog: { timeoutMs: TIMEOUT, team: 'billing' } };
    const sent: string[] = [];
    const open = () => Journal.open({ dir: join(tc.dir, 'journal'), retentionDays: 1, segmentMaxBytes: 1 << 20, memoryMaxBytes: 1 << 20, stateWindowMs: 12 * 3_600_000 });
    const start = async (now: number) => {
      const journal = await open();
      const ok = async (to: string, m: { text?: string; subject?: string }) => {
        sent.push(`${to}: ${m.subject ?? m.text}`);
        return { ok: true, transient: false, answer: 'ok' };
      };
      const d = new Dispatcher({ cfg, journal, metrics: new NotifierMetrics(), sms: ok, email: { send: ok, close: () => {} } });
      return { journal, watchdog: new Watchdog(d, new NotifierMetrics(), jsonLogger(() => {}), now) };
    };
    try {
      const now = Date.now();
      let run = await start(now);
      await run.watchdog.check(now + TIMEOUT - 1000);
      expect(sent).toEqual([]);
      await run.watchdog.check(now + TIMEOUT);
      // SMS and mail go out together: in either order.
      expect([...sent].sort()).toEqual([expect.stringMatching(/^213770000101: ussdwatch: aucun signal de Prometheus/), expect.stringMatching(/^noc-billing@djezzy\.dz: \[ussdwatch\] pipeline silent/)]);
      await run.journal.close();

      run = await start(now + TIMEOUT + MIN);
      await run.watchdog.check(now + 10 * TIMEOUT);
      expect(sent).toHaveLength(2);
      run.watchdog.heartbeat(now + 10 * TIMEOUT);
      await run.watchdog.check(now + 10 * TIMEOUT);
      expect(sent.slice(2).sort()).toEqual([expect.stringMatching(/^213770000101: ussdwatch: signal de Prometheus\/Alertmanager revenu/), expect.stringMatching(/^noc-billing@djezzy\.dz: \[ussdwatch\] pipeline back at/)]);
      await run.journal.close();

      // Back before the restart: the new start waits one timeout before it pages again.
      run = await start(now + 11 * TIMEOUT);
      await run.watchdog.check(now + 12 * TIMEOUT - 1000);
      expect(sent).toHaveLength(4);
      await run.watchdog.check(now + 12 * TIMEOUT);
      expect(sent).toHaveLength(6);
      await run.journal.close();
    } finally {
      await tc.cleanup();
    }
  });
});
