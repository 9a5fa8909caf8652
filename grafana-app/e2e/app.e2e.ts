// The app in a real browser against the real chain: simulator -> exporter -> Prometheus ->
// Alertmanager -> notifier. Every page is seen in both themes before and during an
// app_down on *710#, as a person would see it: screenshots kept in .run/artifacts/grafana-app/,
// no label cut short, no console warning or error. Then an SRE's three clicks: overview, the
// failing code (its outage visible in the latency panel), its cause and sample dialogs; then
// the alerts page shows the alert and who was told; the incidents page shows its incident,
// which a Viewer cannot acknowledge and an Editor can; the reports page builds a report
// (Editor) and downloads it, which a Viewer can only list.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPrometheus, waitFor } from '@ussdwatch/testkit';
import { startStack, type Stack } from '@ussdwatch/testkit/stack';
import { createHarness, listen, type HarnessConfig } from '../harness/server.js';
import { launchBrowser, watchErrors } from './browser.js';
import { settled, shot, THEMES, truncatedLabels } from './look.js';

const CODE = '*710#';
const APP = '/a/djezzy-ussdwatch-app';
const RANGE = 'from=now-15m&to=now';
/** Every page, with the state an SRE would reach it in. */
const PAGES: Record<string, string> = {
  overview: `overview?${RANGE}`,
  code: `code?code=${encodeURIComponent(CODE)}&cause=app_timeout&${RANGE}`,
  cause: `cause?cause=app_timeout&${RANGE}`,
  alerts: `alerts?${RANGE}`,
  incidents: `incidents?${RANGE}`,
  sources: `sources?${RANGE}`,
  reports: `reports?${RANGE}`,
};

let stack: Stack;
let browser: Browser;
let page: Page;
let errors: string[];

const refresh = () => page.getByTestId('data-testid RefreshPicker run button').click();

async function promHas(expr: string): Promise<boolean> {
  const res = await fetch(`${stack.urls.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return ((await res.json()) as { data: { result: unknown[] } }).data.result.length > 0;
}

async function firingFor(code: string): Promise<Array<{ labels: Record<string, string> }>> {
  const res = await fetch(`${stack.urls.alertmanager}/api/v2/alerts?active=true`);
  const alerts = (await res.json()) as Array<{ labels: Record<string, string> }>;
  return alerts.filter((a) => a.labels.short_code === code);
}

/** Every page in both themes: a screenshot each, and the labels cut short, by page. */
async function tour(phase: string): Promise<string[]> {
  const cut: string[] = [];
  for (const theme of THEMES) {
    for (const [name, path] of Object.entries(PAGES)) {
      await page.goto(`${stack.urls.harness}${APP}/${path}&theme=${theme}`);
      await settled(page);
      // The page is in the theme asked for: a light background or a dark one.
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const brightness = (background.match(/\d+/g) ?? []).slice(0, 3).reduce((a, v) => a + Number(v), 0);
      expect(brightness > 600, `${theme} ${name}: ${background}`).toBe(theme === 'light');
      for (const label of await truncatedLabels(page)) cut.push(`${phase} ${theme} ${name}: ${label}`);
      await shot(page, `${phase}-${theme}-${name}`);
    }
  }
  return cut;
}

/** A percentage on screen as a number ("97.5%" -> 97.5). */
const percentIn = (text: string | null) => Number(/([\d.]+)%/.exec(text ?? '')?.[1] ?? NaN);

beforeAll(async () => {
  stack = await startStack({
    harness: true,
    reports: true,
    simulator: { rate: 40, flat: true, periodS: 60, dpssLagS: 5 },
    prometheus: { scrapeInterval: '2s', evaluationInterval: '2s' },
    alertmanager: { maxGroupWait: '1s', maxGroupInterval: '5s' },
    openBusinessHours: true,
  });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  errors = watchErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the Grafana app against the real stack', () => {
  it('before the fault: every page in both themes, no label cut short', async () => {
    // Prometheus needs a few scrapes before rate() has two samples.
    await waitFor(() => promHas('sum(rate(ussd_dialogs_total[1m])) > 0'), { timeoutMs: 60_000, intervalMs: 1000, what: 'dialogs in Prometheus' });
    // The check itself sees a label cut by an ellipsis.
    await page.goto(`${stack.urls.harness}${APP}/overview?${RANGE}`);
    await page.evaluate(() => {
      const cut = Object.assign(document.createElement('span'), { textContent: 'internal / app_timeout: 1,234' });
      Object.assign(cut.style, { display: 'inline-block', width: '60px', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' });
      document.body.append(cut);
    });
    expect(await truncatedLabels(page)).toEqual(['span: internal / app_timeout: 1,234']);
    expect(await tour('before')).toEqual([]);
    await stack.faults.start({ scenario: 'app_down', target: CODE, share: 1 });
  });

  it('overview -> *710# (its outage in the latency panel) -> cause -> sample dialogs, masked, with the reason', async () => {
    await waitFor(() => promHas(`sum(rate(ussd_errors_total{short_code="${CODE}",cause="app_timeout"}[1m])) > 0`), {
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: 'app_timeout errors of *710# in Prometheus',
    });

    await page.goto(`${stack.urls.harness}${APP}/overview?${RANGE}`);
    const link = page.getByTestId(`code-link-${CODE}`);
    await link.waitFor({ timeout: 30_000 });
    // Worst internal-error ratio first: the code whose application is down tops the table once
    // its ratio over the range passes the others' (the data is refreshed until it does).
    await expect
      .poll(async () => {
        await refresh();
        return page.locator('[data-testid^="code-link-"]').first().textContent();
      }, { timeout: 60_000, interval: 2000 })
      .toBe(CODE);
    // The current rate is labelled "now"; the range average is beside it, labelled as such.
    const rate = (await page.getByTestId('stat-rate').textContent()) ?? '';
    expect(rate).toMatch(/Dialogs per second, now \(last \d+ s\)\d+\.\d+\/srange average \d+\.\d+\/s/);

    // Its health score (prometheus/rules/shortcode-health.yml) falls under 50, in the unhealthy red.
    await expect
      .poll(async () => {
        await refresh();
        return Number(await page.getByTestId(`health-${CODE}`).textContent());
      }, { timeout: 60_000, interval: 2000 })
      .toBeLessThan(50);
    // Read again rather than once: a refresh may replace the cell between the two reads.
    await expect.poll(() => page.getByTestId(`health-${CODE}`).evaluate((el) => getComputedStyle(el).color), { timeout: 10_000 }).toBe('rgb(196, 22, 42)');

    await link.click();
    await page.waitForURL((u) => u.pathname === `${APP}/code` && u.searchParams.get('code') === CODE && u.searchParams.get('from') === 'now-15m');
    // The score says why: the error budget is the part that pulled it down. A fresh stack has
    // no week of history: the traffic chart says its band is still warming up.
    await expect.poll(() => page.getByTestId('health-score').textContent(), { timeout: 30_000 }).toContain('lowest part error budget');
    await page.getByTestId('traffic-band').getByText('No band yet').waitFor({ timeout: 20_000 });
    // A code that no longer answers looks like it: most dialogs unanswered, p95 at the top.
    await expect
      .poll(async () => {
        await refresh();
        return percentIn(await page.getByTestId('latency-no-answer-now').textContent());
      }, { timeout: 60_000, interval: 2000 })
      .toBeGreaterThan(50);
    await expect.poll(() => page.getByTestId('latency-p95-now').textContent(), { timeout: 30_000 }).toContain('≥ 30 s or no answer');
    expect(percentIn(await page.getByTestId('distribution-no-answer').textContent())).toBeGreaterThan(0);
    // The menu funnel: the simulator's subscribers type 0 to 2 menu inputs, and some walk away.
    const funnel = page.getByTestId('funnel');
    await expect.poll(async () => (await funnel.textContent()) ?? '', { timeout: 30_000 }).toMatch(/depth 2/);
    expect(await funnel.textContent()).toMatch(/Walked away here.*Failed here \(user \/ internal\)/);
    // User and internal errors are counted apart, never added together.
    expect(await page.getByTestId('stat-internal-errors').textContent()).toMatch(/Internal errors in range[\d,]+/);
    expect(await page.getByTestId('stat-user-errors').textContent()).toMatch(/User errors in range[\d,]+/);

    // The cause buttons show the whole name and the count.
    const cause = page.getByRole('radio', { name: /^internal \/ app_timeout: [\d,]+$/ });
    await cause.waitFor({ timeout: 30_000 });
    await cause.click();
    await page.waitForURL((u) => u.searchParams.get('cause') === 'app_timeout');
    const samples = page.getByTestId('samples');
    await samples.getByText('FAILED_APP_TIMEOUT').first().waitFor({ timeout: 20_000 });
    const text = (await samples.textContent()) ?? '';
    expect(text).toContain('the application did not answer');
    expect(text).toMatch(/\d{5}\*+\d{3}/);
    // No whole Algerian MSISDN on screen.
    expect(text).not.toMatch(/213\d{9}/);
    // Each time with its zone and its age.
    expect(text).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [A-Z][A-Z+\d]*, \d+ (s|min) ago/);

    await page.getByText('All codes and nodes with this cause').click();
    await page.waitForURL((u) => u.pathname === `${APP}/cause` && u.searchParams.get('cause') === 'app_timeout');
    await page.getByTestId('cause-codes').getByText(CODE).first().waitFor({ timeout: 20_000 });
    await page.getByTestId('cause-nodes').getByText(/gw0\d/).first().waitFor({ timeout: 20_000 });
  });

  it('the alerts page shows the injected fault alert by tier and who was told', async () => {
    const firing = await waitFor(async () => {
      const a = await firingFor(CODE);
      return a.length > 0 ? a : undefined;
    }, { timeoutMs: 150_000, intervalMs: 2000, what: `an alert for ${CODE} in Alertmanager` });
    const alertname = firing[0].labels.alertname;

    await page.getByRole('tab', { name: 'Alerts' }).click();
    await page.waitForURL((u) => u.pathname === `${APP}/alerts`);
    const active = page.getByTestId('active-alerts');
    // The page loads once; the refresh button re-reads Alertmanager and the journal.
    await expect.poll(async () => {
      await refresh();
      return (await active.textContent()) ?? '';
    }, { timeout: 30_000, interval: 2000 }).toContain(alertname);
    expect(await active.textContent()).toContain(CODE);

    const journal = page.getByTestId('journal');
    await expect.poll(async () => {
      await refresh();
      return (await journal.textContent()) ?? '';
    }, { timeout: 60_000, interval: 2000 }).toMatch(/sms/);
    expect(await journal.textContent()).toContain(CODE);

    // Back on the overview, the code's row carries the alert's tier and since when it fires, with its age.
    await page.getByRole('tab', { name: 'Overview' }).click();
    const row = page.locator('tr', { has: page.getByTestId(`code-link-${CODE}`) });
    await expect.poll(async () => (await row.textContent()) ?? '', { timeout: 20_000 }).toMatch(new RegExp(`Tier ${firing[0].labels.tier} since \\d{4}-.*ago`));
  });

  it('the incidents page: the fault is one incident, a Viewer cannot acknowledge it, an Editor can', async () => {
    const incidentOf = async () => {
      const res = await fetch(`${stack.urls.notifier}/api/incidents`, { headers: { authorization: `Bearer ${stack.notifierToken}` } });
      const { incidents } = (await res.json()) as { incidents: Array<{ id: number; short_code: string | null; state: string }> };
      return incidents.find((i) => i.short_code === CODE);
    };
    const { id } = await waitFor(incidentOf, { timeoutMs: 30_000, intervalMs: 1000, what: `an incident for ${CODE} in the notifier` });
    expect((await incidentOf())?.state).toBe('open');

    // A harness with people: Grafana's Viewer reads (role read), its Editor acts (role act).
    const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-app-roles-'));
    const password = 'e2e-roles';
    const webConfig = join(dir, 'web.yml');
    const hash = bcrypt.hashSync(password, 4);
    writeFileSync(webConfig, `basic_auth_users:\n  viewer: ${hash}\n  editor: ${hash}\nroles:\n  viewer: read\n  editor: act\n`);
    const u = stack.urls;
    const harness = createHarness({ port: 0, webConfigFile: webConfig, prometheusUrl: u.prometheus, alertmanagerUrl: u.alertmanager, exporterUrl: u.exporter, notifierUrl: u.notifier, notifierToken: stack.notifierToken });
    await listen(harness, 0);
    const url = `http://127.0.0.1:${(harness.address() as AddressInfo).port}${APP}/incidents?${RANGE}`;
    const as = async (username: string) => {
      const context = await browser.newContext({ httpCredentials: { username, password }, viewport: { width: 1400, height: 1000 } });
      const p = await context.newPage();
      const pageErrors = watchErrors(p);
      await p.goto(url);
      await p.getByTestId(`incident-${id}`).waitFor({ timeout: 20_000 });
      return { p, pageErrors, context };
    };
    try {
      const viewer = await as('viewer');
      const card = viewer.p.getByTestId(`incident-${id}`);
      expect(await card.textContent()).toContain(CODE);
      expect(await card.getByTestId(`timeline-${id}`).textContent()).toMatch(/alert: \w+ firing \(tier \d\).*notified: sms to \d{3,}\*+\d{3}/);
      await card.getByRole('button', { name: 'Acknowledge' }).click();
      await expect.poll(() => card.getByTestId(`ack-refusal-${id}`).textContent(), { timeout: 10_000 }).toContain('needs the Editor role');
      await shot(viewer.p, 'incidents-viewer-refused');
      expect((await incidentOf())?.state).toBe('open');
      // The one console error is the refused request.
      expect(viewer.pageErrors.filter((e) => !/status of 403/.test(e))).toEqual([]);
      await viewer.context.close();

      const editor = await as('editor');
      const edited = editor.p.getByTestId(`incident-${id}`);
      await edited.getByRole('button', { name: 'Acknowledge' }).click();
      await expect.poll(() => edited.getByTestId(`incident-state-${id}`).textContent(), { timeout: 10_000 }).toBe('acknowledged');
      // Who acknowledged is the signed-in user, named by the proxy (X-Grafana-User), not "app".
      expect(await edited.textContent()).toContain('acknowledged by editor');
      expect(await edited.getByTestId(`timeline-${id}`).textContent()).toContain('acknowledged: acknowledged by editor');
      await shot(editor.p, 'incidents-editor-acknowledged');
      expect((await incidentOf())?.state).toBe('acknowledged');
      expect(editor.pageErrors).toEqual([]);
      await editor.context.close();
    } finally {
      await new Promise((done) => harness.close(done));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('during the fault: every page in both themes, no label cut short', async () => {
    expect(await tour('during')).toEqual([]);
  });

  it('no console warning or error on any page', () => {
    expect(errors).toEqual([]);
  });
});

describe('the Reports page', () => {
  it('builds a report for the range as Editor, lists it, and downloads its PDF and workbook', async () => {
    await page.goto(`${stack.urls.harness}${APP}/reports?${RANGE}`);
    await page.getByRole('button', { name: 'Build report' }).click();
    await page.getByRole('button', { name: /Building/ }).waitFor();
    const built = page.getByTestId('report-built');
    await built.waitFor({ timeout: 60_000 });
    expect(await built.textContent()).toMatch(/Built: /);
    // The archive the service lists holds what it built: the page's rows come from it.
    const listed = (await (await fetch(`${stack.urls.reports}/api/reports`)).json()) as { reports: Array<{ file: string }> };
    const pdfName = listed.reports.map((f) => f.file).find((f) => f.endsWith('.pdf'));
    expect(pdfName).toBeDefined();
    const archive = page.getByTestId('report-archive');
    await archive.getByText(/^PDF \(/).first().waitFor();
    expect(await archive.textContent()).toContain('all');
    await shot(page, 'reports');
    // Through the plugin's route, as a person's click downloads them: the bytes are a PDF and a workbook (a zip).
    for (const [kind, magic] of [['pdf', '%PDF-'], ['xlsx', 'PK']] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), archive.getByTestId(`download-${kind}`).first().click()]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^ussdwatch-.+\\.${kind}$`));
      const bytes = await readFile((await download.path())!);
      expect(bytes.subarray(0, magic.length).toString('latin1'), kind).toBe(magic);
      expect(bytes.length).toBeGreaterThan(1000);
    }
  });

  it('a Viewer sees the archive but cannot build: the page says the Editor role is needed', async () => {
    // The harness with credentials: a read-only bearer token is what a Grafana Viewer gets through the plugin proxy.
    const dir = await mkdtemp(join(tmpdir(), 'ussdwatch-viewer-'));
    await writeFile(join(dir, 'viewer.token'), 'viewer-e2e-token\n');
    await writeFile(join(dir, 'web.yml'), 'bearer_tokens:\n  - { name: viewer, token_file: viewer.token, role: read }\n');
    const u = stack.urls;
    const harness = createHarness({ port: 0, webConfigFile: join(dir, 'web.yml'), prometheusUrl: u.prometheus, alertmanagerUrl: u.alertmanager, exporterUrl: u.exporter, notifierUrl: u.notifier, reportsUrl: u.reports });
    await listen(harness, 0);
    const context = await browser.newContext({ extraHTTPHeaders: { authorization: 'Bearer viewer-e2e-token' } });
    const p = await context.newPage();
    const pageErrors = watchErrors(p);
    try {
      await p.goto(`http://127.0.0.1:${(harness.address() as AddressInfo).port}${APP}/reports?${RANGE}`);
      await p.getByTestId('download-pdf').first().waitFor({ timeout: 20_000 });
      const before = ((await (await fetch(`${u.reports}/api/reports`)).json()) as { reports: unknown[] }).reports.length;
      await p.getByRole('button', { name: 'Build report' }).click();
      const refused = p.getByTestId('build-error');
      await refused.waitFor({ timeout: 20_000 });
      expect(await refused.textContent()).toMatch(/Not allowed to build reports.*Editor role.*HTTP 403/);
      await shot(p, 'reports-viewer');
      expect(((await (await fetch(`${u.reports}/api/reports`)).json()) as { reports: unknown[] }).reports.length).toBe(before);
      expect(pageErrors.filter((e) => !/status of 403 \(Forbidden\)/.test(e))).toEqual([]);
    } finally {
      await context.close();
      await new Promise((done) => harness.close(done));
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('no data, backend down, configuration', () => {
  /** Opens a page of a harness wired to the given backends; every other backend is a closed port. */
  /** `allowedErrors`: the console errors the check causes on purpose (the requests to the dead backends by default). */
  async function pageWith(backends: Partial<HarnessConfig>, path: string, shotName: string, check: (p: Page) => Promise<void>, allowedErrors = /status of 502 \(Bad Gateway\)/) {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const harness = createHarness({ port: 0, prometheusUrl: dead, alertmanagerUrl: dead, exporterUrl: dead, notifierUrl: dead, ...backends });
    await listen(harness, 0);
    const { port } = harness.address() as AddressInfo;
    const p = await browser.newPage();
    const pageErrors = watchErrors(p);
    try {
      await p.goto(`http://127.0.0.1:${port}${path}`);
      await check(p);
      await shot(p, shotName);
      // Only the requests to the dead backends (and what the check provokes) may fail.
      expect(pageErrors.filter((e) => !allowedErrors.test(e))).toEqual([]);
    } finally {
      await p.close();
      await new Promise((done) => harness.close(done));
    }
  }

  it('says which backend is down instead of a blank page', async () => {
    await pageWith({}, `${APP}/overview`, 'prometheus-down', async (p) => {
      const error = p.getByTestId('load-error').first();
      await error.waitFor({ timeout: 20_000 });
      expect(await error.textContent()).toMatch(/Prometheus is down.*unreachable \(HTTP 502\)/);
    });
  });

  it('says there is no data, and where to look, when Prometheus has none', async () => {
    const empty = await startPrometheus({ targets: {}, ruleFiles: [] });
    try {
      await pageWith({ prometheusUrl: empty.url }, `${APP}/overview`, 'no-data', async (p) => {
        const none = p.getByTestId('no-data').first();
        await none.waitFor({ timeout: 20_000 });
        expect(await none.textContent()).toContain('Check the Sources page');
      });
    } finally {
      await empty.stop();
    }
  });

  it('the configuration page shows the settings, flags a bad URL, refuses an unknown host, keeps the token secret and saves', async () => {
    // The harness saves only upstreams it was started with (or allowed): exporter.example is one.
    await pageWith({ notifierToken: 'e2e-secret', allowUpstreams: ['exporter.example:9716'] }, '/plugins/djezzy-ussdwatch-app', 'config', async (p) => {
      const exporter = p.getByPlaceholder('http://exporter:9716');
      await exporter.waitFor({ timeout: 20_000 });
      expect(await p.content()).not.toContain('e2e-secret');
      await expect(p.getByRole('button', { name: 'Reset' }).count()).resolves.toBe(1);

      await exporter.fill('exporter 9716');
      await p.getByText('is not a URL').waitFor();
      // A host the harness does not know is refused, and the page says why.
      await exporter.fill('http://elsewhere.example:9716');
      await p.getByRole('button', { name: 'Save settings' }).click();
      await p.getByText(/Saving failed: .*elsewhere\.example:9716, which is not an upstream/).waitFor();
      await exporter.fill('http://exporter.example:9716');
      await Promise.all([p.waitForEvent('load'), p.getByRole('button', { name: 'Save settings' }).click()]);
      await expect.poll(() => p.getByPlaceholder('http://exporter:9716').inputValue(), { timeout: 10_000 }).toBe('http://exporter.example:9716');
      // The saved token is still configured: saving without retyping it keeps it.
      await expect(p.getByRole('button', { name: 'Reset' }).count()).resolves.toBe(1);
    }, /status of (502 \(Bad Gateway\)|400 \(Bad Request\))/);
  });
});
