// The app in a real browser against the real chain: simulator -> exporter -> Prometheus ->
// Alertmanager -> notifier, with *710#'s application down. An SRE's three clicks: overview,
// the failing code, its cause and sample dialogs; then the alerts page shows the alert and
// who was told. Screenshots go to grafana-app/test-results/.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPrometheus, waitFor } from '@ussdwatch/testkit';
import { startStack, type Stack } from '@ussdwatch/testkit/stack';
import { createHarness, listen, type HarnessConfig } from '../harness/server.js';
import { launchBrowser, watchErrors } from './browser.js';

const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
const CODE = '*710#';
const APP = '/a/djezzy-ussdwatch-app';

let stack: Stack;
let browser: Browser;
let page: Page;
let errors: string[];

const refresh = () => page.getByTestId('data-testid RefreshPicker run button').click();
const shot = (name: string) => page.screenshot({ path: `${RESULTS}${name}.png`, fullPage: true });

async function firingFor(code: string): Promise<Array<{ labels: Record<string, string> }>> {
  const res = await fetch(`${stack.urls.alertmanager}/api/v2/alerts?active=true`);
  const alerts = (await res.json()) as Array<{ labels: Record<string, string> }>;
  return alerts.filter((a) => a.labels.short_code === code);
}

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  stack = await startStack({
    harness: true,
    simulator: { rate: 40, flat: true, periodS: 60, dpssLagS: 5 },
    prometheus: { scrapeInterval: '2s', evaluationInterval: '2s' },
    alertmanager: { maxGroupWait: '1s', maxGroupInterval: '5s', openTimeIntervals: true },
  });
  await stack.faults.start({ scenario: 'app_down', target: CODE, share: 1 });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  errors = watchErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the Grafana app against the real stack', () => {
  it('overview -> *710# -> cause -> sample dialogs, masked, with the reason', async () => {
    // Prometheus needs a few scrapes before rate() has two samples.
    await waitFor(async () => {
      const res = await fetch(`${stack.urls.prometheus}/api/v1/query?query=${encodeURIComponent(`sum(rate(ussd_errors_total{short_code="${CODE}",cause="app_timeout"}[1m])) > 0`)}`);
      return ((await res.json()) as { data: { result: unknown[] } }).data.result.length > 0;
    }, { timeoutMs: 60_000, intervalMs: 1000, what: 'app_timeout errors of *710# in Prometheus' });

    await page.goto(`${stack.urls.harness}${APP}/overview?from=now-15m&to=now`);
    const link = page.getByTestId(`code-link-${CODE}`);
    await link.waitFor({ timeout: 30_000 });
    // Worst internal-error ratio first: the code whose application is down tops the table.
    await expect.poll(() => page.locator('[data-testid^="code-link-"]').first().textContent(), { timeout: 20_000 }).toBe(CODE);
    await expect(page.getByTestId('stat-rate').textContent()).resolves.toMatch(/\d\/s/);
    await shot('1-overview');

    await link.click();
    await page.waitForURL((u) => u.pathname === `${APP}/code` && u.searchParams.get('code') === CODE && u.searchParams.get('from') === 'now-15m');
    // A RadioButtonGroup option: its radio input takes the click.
    const cause = page.getByRole('radio', { name: /^internal \/ app_timeout/ });
    await cause.waitFor({ timeout: 30_000 });
    await shot('2-short-code');

    await cause.click();
    await page.waitForURL((u) => u.searchParams.get('cause') === 'app_timeout');
    const samples = page.getByTestId('samples');
    await samples.getByText('FAILED_APP_TIMEOUT').first().waitFor({ timeout: 20_000 });
    const text = (await samples.textContent()) ?? '';
    expect(text).toContain('the application did not answer');
    expect(text).toMatch(/\d{5}\*+\d{3}/);
    // No whole Algerian MSISDN on screen.
    expect(text).not.toMatch(/213\d{9}/);
    await shot('3-sample-dialogs');

    await page.getByText('All codes and nodes with this cause').click();
    await page.waitForURL((u) => u.pathname === `${APP}/cause` && u.searchParams.get('cause') === 'app_timeout');
    await page.getByTestId('cause-codes').getByText(CODE).first().waitFor({ timeout: 20_000 });
    await page.getByTestId('cause-nodes').getByText(/gw0\d/).first().waitFor({ timeout: 20_000 });
    await shot('4-cause');
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
    await shot('5-alerts');

    // Back on the overview, the code's row carries the alert's tier and since when it fires.
    await page.getByRole('tab', { name: 'Overview' }).click();
    const row = page.locator('tr', { has: page.getByTestId(`code-link-${CODE}`) });
    await expect.poll(async () => (await row.textContent()) ?? '', { timeout: 20_000 }).toMatch(new RegExp(`Tier ${firing[0].labels.tier} since \\d{4}-`));
    await shot('6-overview-alerting');
  });

  it('no console errors on any page', () => {
    expect(errors).toEqual([]);
  });
});

describe('no data, backend down, configuration', () => {
  /** Opens a page of a harness wired to the given backends; every other backend is a closed port. */
  async function pageWith(backends: Partial<HarnessConfig>, path: string, shotName: string, check: (p: Page) => Promise<void>) {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const harness = createHarness({ port: 0, prometheusUrl: dead, alertmanagerUrl: dead, exporterUrl: dead, notifierUrl: dead, ...backends });
    await listen(harness, 0);
    const { port } = harness.address() as AddressInfo;
    const p = await browser.newPage();
    const pageErrors = watchErrors(p);
    try {
      await p.goto(`http://127.0.0.1:${port}${path}`);
      await check(p);
      await p.screenshot({ path: `${RESULTS}${shotName}.png`, fullPage: true });
      // Only the requests to the dead backends may fail.
      expect(pageErrors.filter((e) => !/status of 502 \(Bad Gateway\)/.test(e))).toEqual([]);
    } finally {
      await p.close();
      await new Promise((done) => harness.close(done));
    }
  }

  it('says which backend is down instead of a blank page', async () => {
    await pageWith({}, `${APP}/overview`, '7-prometheus-down', async (p) => {
      const error = p.getByTestId('load-error').first();
      await error.waitFor({ timeout: 20_000 });
      expect(await error.textContent()).toMatch(/Prometheus is down.*unreachable \(HTTP 502\)/);
    });
  });

  it('says there is no data, and where to look, when Prometheus has none', async () => {
    const empty = await startPrometheus({ targets: {}, ruleFiles: [] });
    try {
      await pageWith({ prometheusUrl: empty.url }, `${APP}/overview`, '8-no-data', async (p) => {
        const none = p.getByTestId('no-data').first();
        await none.waitFor({ timeout: 20_000 });
        expect(await none.textContent()).toContain('Check the Sources page');
      });
    } finally {
      await empty.stop();
    }
  });

  it('the configuration page shows the settings, flags a bad URL, keeps the token secret and saves', async () => {
    await pageWith({ notifierToken: 'e2e-secret' }, '/plugins/djezzy-ussdwatch-app', '9-config', async (p) => {
      const exporter = p.getByPlaceholder('http://exporter:9716');
      await exporter.waitFor({ timeout: 20_000 });
      expect(await p.content()).not.toContain('e2e-secret');
      await expect(p.getByRole('button', { name: 'Reset' }).count()).resolves.toBe(1);

      await exporter.fill('exporter 9716');
      await p.getByText('is not a URL').waitFor();
      await exporter.fill('http://exporter.example:9716');
      await Promise.all([p.waitForEvent('load'), p.getByRole('button', { name: 'Save settings' }).click()]);
      await expect.poll(() => p.getByPlaceholder('http://exporter:9716').inputValue(), { timeout: 10_000 }).toBe('http://exporter.example:9716');
      // The saved token is still configured: saving without retyping it keeps it.
      await expect(p.getByRole('button', { name: 'Reset' }).count()).resolves.toBe(1);
    });
  });
});
