// The schedule: its file's mistakes named by file and line; each due period mailed once
// through the notifier's own SMTP path (to a real SMTP server), never again after a
// restart, and retried when it could not be built; the service's HTTP API.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLogger } from '@ussdwatch/common/log.js';
import { smtpSender } from '@ussdwatch/notifier/email.js';
import { startSmtp, waitFor, type SmtpSink } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateFile } from '../src/archive.js';
import { loadScheduleConfig, type ScheduleConfig } from '../src/schedule-config.js';
import { Scheduler, type Built } from '../src/scheduler.js';
import { startReports } from '../src/serve.js';

const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-schedule-'));
const NOTIFIER_CONFIG = join(import.meta.dirname, '../../notifier/config/notifier.yaml');
const quiet = jsonLogger(() => {});
let smtp: SmtpSink;

function schedule(text: string): ScheduleConfig {
  const file = join(dir, `schedule-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `notifier:\n  config_file: ${NOTIFIER_CONFIG}\narchive:\n  dir: ${join(dir, 'archive')}\n${text}`);
  return loadScheduleConfig(file);
}

beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the schedule file', () => {
  it('takes recipients from the notifier config teams and plain addresses', () => {
    const cfg = schedule('reports:\n  - {name: daily, period: day, teams: [offers], emails: [boss@djezzy.dz]}\n');
    expect(cfg.reports[0]).toMatchObject({ period: 'day', atMinutes: 420, lang: 'fr', recipients: ['noc-offers@djezzy.dz', 'boss@djezzy.dz'] });
    expect(cfg.notifier.url).toBe('http://127.0.0.1:9717');
  });

  it('names the file, the line and the fix of each mistake', () => {
    expect(() => schedule('reports:\n  - name: daily\n    period: yearly\n    teams: [offers]\n')).toThrow(/schedule-\w+\.yaml:7: reports\[0\]\.period: expected one of day, week, month/);
    expect(() => schedule('reports:\n  - name: daily\n    period: day\n    teams: [nobody]\n')).toThrow(/:8: reports\[0\]\.teams\[0\]: no team nobody in .*notifier\.yaml; teams there: billing/);
    expect(() => schedule('reports:\n  - name: daily\n    period: day\n    at: "7h"\n    emails: [a@b.dz]\n')).toThrow(/:8: reports\[0\]\.at: expected a time of day like "07:00"/);
    expect(() => schedule('reports:\n  - {name: daily, period: day}\n')).toThrow(/nobody receives this report/);
    expect(() => schedule('reports:\n  - name: weekly\n    period: week\n    week_start: sun\n    emails: [a@b.dz]\n')).toThrow(/:8: reports\[0\]\.week_start: expected one of sunday, monday/);
    expect(() => schedule('reports:\n  - name: daily\n    period: day\n    week_start: sunday\n    emails: [a@b.dz]\n')).toThrow(/:8: reports\[0\]\.week_start: only a week has a first day/);
  });

  it('reads a month from the long-term store when there is one, everything else from Prometheus, unless source says', () => {
    const token = join(dir, 'store.token');
    writeFileSync(token, 'store-secret\n');
    const cfg = schedule(
      `longterm:\n  url: https://victoriametrics:8428\n  bearer_token_file: ${token}\nreports:\n` +
        '  - {name: monthly, period: month, emails: [a@b.dz]}\n' +
        '  - {name: daily, period: day, emails: [a@b.dz]}\n' +
        '  - {name: monthly-recent, period: month, source: prometheus, emails: [a@b.dz]}\n' +
        '  - {name: weekly-store, period: week, source: longterm, emails: [a@b.dz]}\n',
    );
    expect(cfg.longterm).toEqual({ url: 'https://victoriametrics:8428', bearerToken: 'store-secret', basicAuth: undefined, ca: undefined });
    expect(cfg.reports.map((r) => [r.name, r.source])).toEqual([['monthly', 'longterm'], ['daily', 'prometheus'], ['monthly-recent', 'prometheus'], ['weekly-store', 'longterm']]);
    // Without a store, a month reads Prometheus as before.
    const single = schedule('reports:\n  - {name: monthly, period: month, emails: [a@b.dz]}\n');
    expect(single.longterm).toBeNull();
    expect(single.reports[0].source).toBe('prometheus');
  });

  it('refuses a report asking for the store when the file has none, and a store block like a bad prometheus block', () => {
    expect(() => schedule('reports:\n  - name: monthly\n    period: month\n    source: longterm\n    emails: [a@b.dz]\n')).toThrow(
      /schedule-\w+\.yaml:8: reports\[0\]\.source: this file has no longterm: block; add one at the top level \(longterm: \{url: https:\/\/victoriametrics:8428\}.*\), or write source: prometheus/,
    );
    expect(() => schedule('reports:\n  - name: monthly\n    period: month\n    source: thanos\n    emails: [a@b.dz]\n')).toThrow(/:8: reports\[0\]\.source: expected one of prometheus, longterm/);
    // The same reader as prometheus: (url required here: there is no default store).
    expect(() => schedule('longterm:\n  bearer_token_file: x\nreports:\n  - {name: m, period: month, emails: [a@b.dz]}\n')).toThrow(/:5: longterm\.url: missing; this key is required/);
    expect(() => schedule('longterm: {url: victoriametrics:8428}\nreports:\n  - {name: m, period: month, emails: [a@b.dz]}\n')).toThrow(/:5: longterm\.url: victoriametrics:8428 is not an http\(s\) URL/);
    expect(() => schedule('longterm: {url: "https://vm:8428", ca_file: nowhere.crt}\nreports:\n  - {name: m, period: month, emails: [a@b.dz]}\n')).toThrow(/longterm\.ca_file: cannot read .*nowhere\.crt: ENOENT/);
  });

  it('ships a schedule that loads', () => {
    const reports = loadScheduleConfig(join(import.meta.dirname, '../config/schedule.yaml')).reports;
    expect(reports.map((r) => r.period)).toEqual(['day', 'week', 'month', 'week']);
    // No store on a single machine: every report reads Prometheus.
    expect(reports.map((r) => r.source)).toEqual(['prometheus', 'prometheus', 'prometheus', 'prometheus']);
    // The weekly reports go on Sunday morning: the Sunday-to-Saturday week just ended.
    expect(reports.filter((r) => r.period === 'week').map((r) => r.weekStart)).toEqual([0, 0]);
  });
});

describe('the scheduler', () => {
  it('mails each due period once across restarts, and retries one that could not be built', async () => {
    const cfg = schedule('retry_minutes: 5\nreports:\n  - {name: daily, period: day, at: "07:00", emails: [noc@djezzy.dz, boss@djezzy.dz]}\n');
    const email = smtpSender({ ...cfg.notifierConfig.email, host: smtp.host, port: smtp.port });
    const state = new StateFile(join(dir, 'state.json'));
    let now = Date.parse('2026-11-28T06:00:00Z'); // 07:00 in Algiers: 27 November is due
    let failNext = true;
    const built: string[] = [];
    const build = async (_r: unknown, p: { id: string }): Promise<Built> => {
      if (failNext) {
        failNext = false;
        throw new Error('cannot reach http://127.0.0.1:9090/api/v1/query');
      }
      built.push(p.id);
      const [pdf, xlsx] = ['pdf', 'xlsx'].map((ext) => join(dir, `ussdwatch-${p.id}-all-fr.${ext}`));
      writeFileSync(pdf, '%PDF-1.4 report');
      writeFileSync(xlsx, 'PK workbook');
      return { pdf, xlsx, title: `Rapport ${p.id}`, warnings: ['Rapport partiel'] };
    };
    const scheduler = () => new Scheduler({ cfg, build, email, state, logger: quiet, now: () => now });

    const first = scheduler();
    await first.start();
    await first.tick();
    expect(first.status()[0]).toMatchObject({ period: '2026-11-27', sent: false, last_error: expect.stringContaining('cannot reach') });
    await first.tick(); // before the retry time: not tried again
    expect(built).toEqual([]);
    now += 5 * 60_000;
    await first.tick();
    expect(built).toEqual(['2026-11-27']);
    expect(smtp.received().map((m) => [m.to.join(), m.subject])).toEqual([['noc@djezzy.dz', 'Rapport 2026-11-27'], ['boss@djezzy.dz', 'Rapport 2026-11-27']]);
    expect(smtp.received()[0].raw).toContain('http://127.0.0.1:9720/api/reports/ussdwatch-2026-11-27-all-fr.pdf');
    expect(smtp.received()[0].raw).toContain('Rapport partiel');
    // Both files travel with the mail, base64 in their MIME parts.
    for (const [name, body] of [['ussdwatch-2026-11-27-all-fr.pdf', '%PDF-1.4 report'], ['ussdwatch-2026-11-27-all-fr.xlsx', 'PK workbook']]) {
      expect(smtp.received()[0].raw).toMatch(new RegExp(`Content-Disposition: attachment; filename=${name.replace(/\./g, '\\.')}`));
      expect(smtp.received()[0].raw).toContain(Buffer.from(body).toString('base64'));
    }

    // A restart the same day sends nothing again; the next day's goes the next morning.
    const second = scheduler();
    await second.start();
    await second.tick();
    expect(smtp.received()).toHaveLength(2);
    now = Date.parse('2026-11-29T06:00:00Z');
    await second.tick();
    expect(built).toEqual(['2026-11-27', '2026-11-28']);
    expect(smtp.received()).toHaveLength(4);
    email.close();
  });
});

describe('the report service', () => {
  /** A schedule file rewritten in place, as an operator edits it before a reload. */
  const reloadFile = join(dir, 'reload.yaml');
  const writeSchedule = (reports: string, port = 0) =>
    writeFileSync(reloadFile, `notifier:\n  config_file: ${NOTIFIER_CONFIG}\narchive:\n  dir: ${join(dir, 'archive-reload')}\nprometheus: {url: "http://127.0.0.1:9"}\nlisten: {port: ${port}}\nreports:\n${reports}`);
  const DAILY = '  - {name: daily, period: day, emails: [noc@djezzy.dz]}\n';
  const WEEKLY = '  - {name: weekly, period: week, teams: [offers]}\n';

  it('reads the schedule again on POST /-/reload, and keeps the running one when the new one is wrong or changes its socket', async () => {
    writeSchedule(DAILY);
    const running = await startReports(loadScheduleConfig(reloadFile), quiet);
    const names = async () => ((await (await fetch(`${running.url}/api/reports`)).json()) as { schedule: Array<{ name: string }> }).schedule.map((r) => r.name);
    const reload = async () => {
      const res = await fetch(`${running.url}/-/reload`, { method: 'POST' });
      return { status: res.status, body: (await res.json()) as { error?: string } };
    };
    try {
      expect(await names()).toEqual(['daily']);
      writeSchedule(DAILY + WEEKLY);
      expect((await reload()).status).toBe(200);
      expect(await names()).toEqual(['daily', 'weekly']);

      writeSchedule('  - {name: daily, period: day, teams: [nobody]}\n');
      const badTeam = await reload();
      expect(badTeam.status).toBe(500);
      expect(badTeam.body.error).toMatch(/reload\.yaml:8: reports\[0\]\.teams\[0\]: no team nobody/);
      writeSchedule(DAILY, 9);
      const moved = await reload();
      expect(moved.status).toBe(500);
      expect(moved.body.error).toMatch(/reload\.yaml:6: listen: cannot change while the report service runs \(it runs with "127\.0\.0\.1:0"\); .*restart the report service/);
      expect(await names()).toEqual(['daily', 'weekly']);
    } finally {
      await running.stop();
    }
  });

  it('reloads on SIGHUP instead of dying of it (its default action), and still stops on SIGTERM', async () => {
    writeSchedule(DAILY);
    const child = spawn(process.execPath, [join(import.meta.dirname, '../bin/ussdwatch-report.js'), 'serve', '--config', reloadFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      await waitFor(() => out.includes('"listening"'), { timeoutMs: 20_000, what: `the report service listening (output: ${out})` });
      writeSchedule(DAILY + WEEKLY);
      child.kill('SIGHUP');
      await waitFor(() => out.includes('"configuration reloaded"'), { timeoutMs: 10_000, what: 'the reload logged' });
      expect(out).toContain('"trigger":"SIGHUP"');
      expect(child.exitCode).toBeNull();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('lists and serves the archive, refuses other paths, and says why a build on demand failed', async () => {
    const cfg = schedule('prometheus: {url: "http://127.0.0.1:9"}\nlisten: {port: 0}\nreports:\n  - {name: daily, period: day, emails: [noc@djezzy.dz]}\n');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(cfg.archive.dir, { recursive: true });
    writeFileSync(join(cfg.archive.dir, 'ussdwatch-2026-11-27-all-fr.pdf'), '%PDF-1.4 test');
    const running = await startReports({ ...cfg, notifierConfig: { ...cfg.notifierConfig, email: { ...cfg.notifierConfig.email, host: smtp.host, port: smtp.port } } }, quiet);
    try {
      const list = (await (await fetch(`${running.url}/api/reports`)).json()) as { reports: Array<{ file: string }>; schedule: Array<{ name: string; source: string }> };
      expect(list.reports.map((r) => r.file)).toEqual(['ussdwatch-2026-11-27-all-fr.pdf']);
      expect(list.schedule[0]).toMatchObject({ name: 'daily', source: 'prometheus' });
      const pdf = await fetch(`${running.url}/api/reports/ussdwatch-2026-11-27-all-fr.pdf`);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(await pdf.text()).toBe('%PDF-1.4 test');
      expect((await fetch(`${running.url}/api/reports/sent-state.json`)).status).toBe(404);
      expect((await fetch(`${running.url}/api/reports/..%2Fschedule.yaml`)).status).toBe(404);
      const bad = await fetch(`${running.url}/api/reports`, { method: 'POST', body: '{"period":"year"}' });
      expect(bad.status).toBe(400);
      const noStore = await fetch(`${running.url}/api/reports`, { method: 'POST', body: '{"period":"month","source":"longterm"}' });
      expect(noStore.status).toBe(400);
      expect(((await noStore.json()) as { error: string }).error).toMatch(/source longterm: the schedule has no longterm: block/);
      const down = await fetch(`${running.url}/api/reports`, { method: 'POST', body: '{"period":"day","date":"2026-11-27"}' });
      expect(down.status).toBe(503);
      expect(((await down.json()) as { error: string }).error).toMatch(/cannot be built now: cannot reach http:\/\/127\.0\.0\.1:9/);
    } finally {
      await running.stop();
    }
  });
});
