// The end-to-end detection test (e2e/README.md): the real chain from a simulated fault to
// the SMS on fakesmsc, for every fault scenario, against the shipped rules and routes.
// Its last line is the `e2e: scenarios=...` summary; the exit code says whether all held.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, waitFor } from '@ussdwatch/testkit';
import { startStack, type Stack } from '@ussdwatch/testkit/stack';
import { DpssClock, dpssFileFor, phaseInPeriod } from './dpss-clock.js';
import { startForwarder, type Forwarder } from './forwarder.js';
import { notifierCrash, PROBE_ALERTNAME, type CrashResult } from './journal-crash.js';
import { duplicateSms, mailNotice, smsNotice, smsPerIncidentMax, type Notice } from './messages.js';
import { checkOnCall, shortDelays, UNREACHABLE } from './oncall.js';
import { loadConfig } from '@ussdwatch/notifier/config.js';
import { recipientsFor, type Recipients } from './recipients.js';
import { blurredByNodeErrors, SCENARIOS, type Scenario } from './scenarios.js';
import { summaryLine, targetFailures, type ScenarioOutcome } from './summary.js';

const USAGE = `usage: npm run e2e [-- --only NAMES] [--skip NAMES] [--warmup-s S] [--keep]

  --only a,b     run only these scenarios (${SCENARIOS.map((s) => s.name).join(', ')})
  --skip a,b     run all but these
  --warmup-s S   normal traffic before the phase-1 faults (default 300: the rules' 5-minute windows full)
  --keep         keep the stack's work folder (logs, DPSS files, journal) and print where it is`;

// The real DPSS cadence: 5-minute periods, each file written 3 minutes after its period.
const PERIOD_S = 300;
const DPSS_LAG_S = 180;
const DETECT_TIMEOUT_MS = 10 * 60_000;
const RESOLVE_TIMEOUT_MS = 12 * 60_000;

const t0 = Date.now();
const log = (m: string) => process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(5)}s] ${m}\n`);
const secs = (ms: number) => (ms / 1000).toFixed(1);

/** A gate that opens once: phases wait on these. */
function gate(): { open(): void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

function notices(stack: Stack): Notice[] {
  return [...stack.sms().map(smsNotice), ...stack.mails().map(mailNotice)].filter((n): n is Notice => n !== null);
}

/**
 * Whether a notice is about the scenario's fault: its short code, else its node or source.
 * The notifier tells incidents, not rules: an SMS names no rule, and a mail names the rule
 * that opened the incident, which for a code may be another of the fault's rules.
 */
function about(s: Scenario, n: Notice): boolean {
  const e = s.expect;
  if (e.shortCode) return n.shortCode === e.shortCode;
  return (n.channel === 'sms' || n.alertname === e.alertname) && n.shortCode === '' && (!e.subject || n.text.includes(e.subject.value));
}

/**
 * A notice of the scenario's incident at its tier or above: alerts of one fault are one
 * incident, told at the highest tier it reached (a slow application's timeouts also raise
 * a tier-3 alert), and the notifier pages each tier's people for it.
 */
function isExpected(s: Scenario, n: Notice, status: Notice['status']): boolean {
  return n.status === status && Number(n.tier) >= Number(s.expect.tier) && about(s, n);
}

/** What the expected notifications must name, beyond the alert: class and cause in the mail, the node or source. */
function namingFailures(s: Scenario, mail: Notice): string[] {
  const e = s.expect;
  const fails: string[] = [];
  if (e.class && !mail.text.includes(`class: ${e.class}`)) fails.push(`the mail does not name class ${e.class}`);
  if (e.cause && !mail.text.includes(`cause: ${e.cause}`)) fails.push(`the mail does not name cause ${e.cause}`);
  if (e.shortCode && !mail.text.includes(e.shortCode)) fails.push(`the mail does not name ${e.shortCode}`);
  return fails;
}

const promString = (s: string) => JSON.stringify(s);

async function promQuery(stack: Stack, q: string): Promise<Array<Record<string, string>>> {
  const res = await fetch(`${stack.urls.prometheus}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string> }> } };
  if (body.status !== 'success') throw new Error(`Prometheus query ${q}: ${body.error}`);
  return body.data.result.map((r) => r.metric);
}

/** Internal-class alerts that fired on these codes at any time in the last `sinceMs`. */
async function internalAlertsOn(stack: Stack, matchers: NonNullable<Scenario['noInternalAlerts']>, sinceMs: number): Promise<string[]> {
  const found: string[] = [];
  for (const m of matchers) {
    const labels = [`alertstate="firing"`, `class="internal"`, `short_code=${promString(m.short_code)}`];
    if (m.alertname) labels.push(`alertname=${promString(m.alertname)}`);
    const hits = await promQuery(stack, `max_over_time(ALERTS{${labels.join(',')}}[${Math.ceil(sinceMs / 1000) + 30}s])`);
    found.push(...hits.map((h) => `${h.alertname} ${h.short_code} tier ${h.tier}`));
  }
  return found;
}

/** The scenario's alert is neither pending nor firing (left over from an earlier fault): a fresh start. */
function quiet(stack: Stack, s: Scenario): Promise<unknown> {
  const e = s.expect;
  const labels = [`alertname=${promString(e.alertname)}`];
  if (e.shortCode) labels.push(`short_code=${promString(e.shortCode)}`);
  if (e.subject) labels.push(`${e.subject.label}=${promString(e.subject.value)}`);
  const selector = `ALERTS{${labels.join(',')}}`;
  return waitFor(async () => (await promQuery(stack, selector)).length === 0, { timeoutMs: DETECT_TIMEOUT_MS, intervalMs: 1000, what: `${selector} to clear before the fault` });
}

interface Context {
  stack: Stack;
  clock: DpssClock;
  recipients: Recipients;
}

/**
 * Runs one scenario: fault, expected notifications, resolution. onDetected is called once
 * its detection figure is settled (its first SMS, or the expected notifications, or a
 * failure): from then on, other faults may blur its target without changing the figure.
 */
async function runScenario(ctx: Context, s: Scenario, onDetected: () => void): Promise<ScenarioOutcome> {
  const { stack, clock } = ctx;
  const e = s.expect;
  const sms = e.tier !== '1';
  const unreachable = s.oncall?.undelivered === true;
  const wantAt = (at: number) => {
    const wanted = ctx.recipients(e.tier, e.team, at);
    // The unreachable person's SMS never arrives: the page that does is step 1's (checked by checkOnCall).
    return unreachable ? { ...wanted, sms: wanted.sms.filter((n) => n !== UNREACHABLE.shipped) } : wanted;
  };
  const out: ScenarioOutcome = { name: s.name, tier: e.tier, passed: false, failures: [] };
  const clear = await quiet(stack, s).catch((err: Error) => err);
  if (clear instanceof Error) {
    onDetected();
    return { ...out, failures: [clear.message] };
  }
  const fault = await stack.faults.start(s.fault);
  const target = s.fault.target ?? '(none)';
  log(`${s.name}: fault ${fault.id} on ${target} started, ${phaseInPeriod(fault.startedAt, PERIOD_S).toFixed(0)} s into its DPSS period; expecting ${e.alertname} tier ${e.tier}`);
  const since = (n: Notice) => n.seenAt >= fault.startedAt;
  // The notifier pages whoever is on call when the incident reaches its tier, some time
  // between the fault and now: a rotation may hand off in between (offers' every day at
  // 08:00 Algiers time), and then the people on call now are the ones paged.
  let want = wantAt(fault.startedAt);

  // Firing: the expected alert's mail (every tier) and SMS (tiers 2 and 3) to the right people.
  const firing = await waitFor(() => {
    const ns = notices(stack).filter(since);
    if (sms && ns.some((n) => n.channel === 'sms' && n.status === 'firing' && about(s, n))) onDetected();
    const mails = ns.filter((n) => n.channel === 'email' && isExpected(s, n, 'firing'));
    const texts = ns.filter((n) => n.channel === 'sms' && isExpected(s, n, 'firing'));
    const told = [wantAt(fault.startedAt), wantAt(Date.now())].find((w) =>
      w.emails.every((to) => mails.some((m) => m.to.includes(to))) && (!sms || (w.sms.every((to) => texts.some((m) => m.to.includes(to))) && texts.length > 0)));
    if (!told) return false;
    want = told;
    // The naming is checked on the expected team's mail: an earlier mail of the incident (to
    // another tier's people) may predate the scenario's own alert, and so cannot name its cause.
    const teamMail = mails.find((m) => want.emails.some((to) => m.to.includes(to)));
    return { mail: teamMail ?? mails[0], sms: texts[0] };
  }, { timeoutMs: (s.detectWithinS ?? DETECT_TIMEOUT_MS / 1000) * 1000, intervalMs: 250, what: `${e.alertname} tier ${e.tier} by mail to ${want.emails.join(', ')}${sms ? ` and SMS to ${want.sms.join(', ')}` : ''}` }).catch((err: Error) => err);
  onDetected();
  if (firing instanceof Error) {
    out.failures.push(firing.message);
    const seen = notices(stack).filter(since).filter((n) => about(s, n)).map((n) => n.text.split('\n')[0]);
    if (seen.length) out.failures.push(`what did arrive about it: ${[...new Set(seen)].join(' | ')}`);
  } else {
    out.failures.push(...namingFailures(s, firing.mail));
    if (sms) {
      // The first SMS the fault caused, whichever of the target's alerts it was.
      const first = notices(stack).filter((n) => since(n) && n.channel === 'sms' && n.status === 'firing' && about(s, n)).sort((a, b) => a.seenAt - b.seenAt)[0];
      // The fallback's first SMS is step 1's, after a failed delivery: not a detection figure.
      if (!unreachable) out.detectionS = (first.seenAt - fault.startedAt) / 1000;
      log(`${s.name}: first SMS ${secs(first.seenAt - fault.startedAt)} s after the fault: ${first.text}`);
      if (s.oncall) {
        const figures = await checkOnCall(stack, s.oncall, first, (m) => log(`${s.name}: ${m}`));
        out.ackToSilenceS = figures.ackToSilenceS;
        out.escalationLateS = figures.escalationLateS;
        out.failures.push(...figures.failures);
      }
    } else {
      log(`${s.name}: ${e.alertname} mail ${secs(firing.mail.seenAt - fault.startedAt)} s after the fault`);
    }
  }
  if (s.noInternalAlerts) {
    const internal = await internalAlertsOn(stack, s.noInternalAlerts, Date.now() - fault.startedAt);
    if (internal.length) out.failures.push(`a user-error scenario raised internal alerts: ${internal.join(', ')}`);
    else log(`${s.name}: no internal alert it could cause: ${s.noInternalAlerts.map((m) => `${m.alertname ?? 'any'} on ${m.short_code}`).join(', ')}`);
  }

  await stack.faults.stop(fault.id);
  const stoppedAt = Date.now();
  log(`${s.name}: fault stopped; waiting for the resolved notifications`);
  const resolved = firing instanceof Error ? null : waitFor(() => {
    const ns = notices(stack).filter((n) => n.seenAt >= stoppedAt && isExpected(s, n, 'resolved'));
    const mailed = want.emails.every((to) => ns.some((m) => m.channel === 'email' && m.to.includes(to)));
    const texted = !sms || want.sms.every((to) => ns.some((m) => m.channel === 'sms' && m.to.includes(to)));
    return mailed && texted;
  }, { timeoutMs: RESOLVE_TIMEOUT_MS, intervalMs: 500, what: `the resolved ${e.alertname} notifications` }).then(
    () => log(`${s.name}: resolved notifications ${secs(Date.now() - stoppedAt)} s after the fault stopped`),
    (err: Error) => void out.failures.push(err.message),
  );
  // The lead: how long before the DPSS file for the fault's period did the first SMS come?
  const lead = out.detectionS === undefined ? null : clock.waitFor(dpssFileFor(fault.startedAt, PERIOD_S), (PERIOD_S + DPSS_LAG_S + 120) * 1000).then(
    (writtenAt) => {
      out.leadS = (writtenAt - fault.startedAt) / 1000 - out.detectionS!;
      log(`${s.name}: DPSS file ${dpssFileFor(fault.startedAt, PERIOD_S)} written ${secs(writtenAt - fault.startedAt)} s after the fault: SMS lead ${out.leadS.toFixed(1)} s`);
    },
    (err: Error) => void out.failures.push(err.message),
  );
  await Promise.all([resolved, lead]);
  out.passed = out.failures.length === 0;
  log(`${s.name}: ${out.passed ? 'passed' : `FAILED: ${out.failures.join('; ')}`}`);
  return out;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, skip: { type: 'string' }, 'warmup-s': { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const names = (v?: string) => (v ? v.split(',').map((x) => x.trim()) : undefined);
  const only = names(values.only);
  const skip = names(values.skip) ?? [];
  for (const n of [...(only ?? []), ...skip]) if (!SCENARIOS.some((s) => s.name === n)) throw new Error(`unknown scenario ${n}: expected one of ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const scenarios = SCENARIOS.filter((s) => (!only || only.includes(s.name)) && !skip.includes(s.name));
  const warmupMs = Number(values['warmup-s'] ?? 300) * 1000;

  let tap: Forwarder | undefined;
  let gateway: Forwarder | undefined;
  const outcomes: ScenarioOutcome[] = [];
  let crash: CrashResult | undefined;
  let duplicates = 0;
  let perIncident: number | undefined;
  let stack: Stack | undefined;
  const failures: string[] = [];
  // Interrupted (Ctrl-C, CI timeout): stop every process of the stack, still end with the summary line.
  const interrupt = (signal: string) => {
    log(`${signal}: stopping the stack`);
    void Promise.resolve(starting).then((s) => s?.stop()).catch(() => {}).finally(() => {
      process.stdout.write(`FAIL interrupted by ${signal}\n${summaryLine(outcomes, { duplicateSms: duplicates, lostJournal: crash?.lost.length ?? 0, smsPerIncidentMax: perIncident })}\n`);
      process.exit(130);
    });
  };
  process.once('SIGINT', () => interrupt('SIGINT'));
  process.once('SIGTERM', () => interrupt('SIGTERM'));
  let starting: Promise<Stack | undefined> | undefined;
  try {
    // The shipped on-call file with its escalation delays cut to about a minute.
    const oncallFile = join(await mkdtemp(join(tmpdir(), 'ussdwatch-e2e-oncall-')), 'oncall.yaml');
    await writeFile(oncallFile, shortDelays(await readFile(join(REPO_ROOT, 'notifier/config/oncall.yaml'), 'utf8')));
    starting = startStack({
      oncallFile,
      workDir: values.keep ? join(REPO_ROOT, '.run', `e2e-${new Date().toISOString().replace(/[:.]/g, '-')}`) : undefined,
      simulator: { rate: 200, flat: true, seed: 20261121, periodS: PERIOD_S, dpssLagS: DPSS_LAG_S },
      prometheus: { scrapeInterval: '5s', evaluationInterval: '5s' },
      alertmanager: { maxGroupWait: '30s', maxGroupInterval: '30s' },
      openBusinessHours: true,
      undeliverablePrefix: UNREACHABLE.prefix,
      interpose: {
        webhook: async (url) => (tap = await startForwarder(url)).url,
        sendsms: async (url) => {
          gateway = await startForwarder(url);
          return `${gateway.url}${new URL(url).pathname}`;
        },
      },
      onProgress: log,
    }).catch((err: Error) => {
      failures.push(err.message);
      return undefined;
    });
    stack = await starting;
    if (!stack) throw new Error(failures.pop());
    const up = stack;
    log(`stack up: Prometheus ${up.urls.prometheus}, Alertmanager ${up.urls.alertmanager}, work folder ${up.workDir}`);
    const ctx: Context = {
      stack: up,
      clock: new DpssClock(up.dirs.dpss),
      recipients: recipientsFor(loadConfig(join(REPO_ROOT, 'notifier/config/notifier.yaml'), {})),
    };
    // Every scenario runs at once on this one stack (their targets are disjoint); only
    // these waits order them. Not synchronisation but the schedule: the warm-up is the
    // normal traffic the rules' windows must hold before a fault, or a fault would look
    // bigger (and be caught sooner) than in production.
    const after = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
    // When the phase-1 faults start: the end of the warm-up.
    const warm = after(warmupMs).then(() => Date.now());
    // A lead is measured against the DPSS file of the period holding the fault's start, so
    // the same detection time gives a lead up to 300 s longer at the start of a period than
    // at its end. Phase 2 starts at the point of its period where phase 1 started (one or
    // more whole periods later): every SMS scenario's lead is then measured at one phase,
    // and differs from another's only by the detection time.
    const samePointOfPeriod = (phase1Ms: number) => {
      const periodMs = PERIOD_S * 1000;
      const at = phase1Ms + Math.max(0, Math.ceil((Date.now() - phase1Ms - 1000) / periodMs)) * periodMs;
      log(`phase 2: starting ${secs(at - Date.now())} s from now, ${phaseInPeriod(at, PERIOD_S).toFixed(0)} s into its DPSS period as phase 1 was`);
      return after(at - Date.now());
    };
    const detected = new Map(scenarios.map((s) => [s, gate()]));
    const blurred = scenarios.filter(blurredByNodeErrors).map((s) => detected.get(s)!.opened);
    const runs = scenarios.map(async (s) => {
      if (s.phase >= 1) await warm;
      if (s.phase === 2) {
        await Promise.all(blurred);
        await samePointOfPeriod(await warm);
      }
      outcomes.push(await runScenario(ctx, s, detected.get(s)!.open));
    });
    const crashRun = notifierCrash(up, tap!, gateway!, log).then((r) => {
      crash = r;
      log(`journal: ${r.sent} alert statuses sent by Alertmanager (${r.failedCalls} webhook calls failed and were resent), ${r.lost.length} missing from the journal`);
    }, (err: Error) => void failures.push(`notifier crash test: ${err.message}`));
    await Promise.all([...runs, crashRun]);

    const sms = up.sms().map(smsNotice).filter((n): n is Notice => n !== null);
    const dups = duplicateSms(sms);
    duplicates = dups.length;
    perIncident = smsPerIncidentMax(sms);
    for (const d of dups) log(`duplicate SMS to ${d.notice.to[0]}: "${d.notice.text}" (${secs(d.notice.seenAt - d.previous.seenAt)} s after the same)`);
    log(`SMS received: ${sms.length} (${sms.filter((n) => n.text.includes(PROBE_ALERTNAME)).length} for the journal probes); mails: ${up.mails().length}`);
  } catch (err) {
    failures.push((err as Error).message);
  } finally {
    if (stack && values.keep) log(`work folder kept: ${stack.workDir}`);
    await stack?.stop().catch((err: Error) => failures.push(err.message));
    await tap?.close();
    await gateway?.close();
  }

  outcomes.sort((a, b) => SCENARIOS.findIndex((s) => s.name === a.name) - SCENARIOS.findIndex((s) => s.name === b.name));
  const lost = crash ? crash.lost.length : 0;
  if (!crash) failures.push('the notifier crash test did not run to the end');
  const totals = { duplicateSms: duplicates, lostJournal: lost, smsPerIncidentMax: perIncident };
  const checked = targetFailures(outcomes, totals);
  failures.push(...checked.failures);
  for (const o of outcomes) {
    const fig = o.detectionS === undefined ? 'no SMS figure' : `SMS after ${o.detectionS.toFixed(1)} s, lead ${o.leadS?.toFixed(1) ?? '?'} s`;
    process.stdout.write(`${o.passed ? 'ok  ' : 'FAIL'} ${o.name.padEnd(16)} tier ${o.tier}  ${fig}${o.passed ? '' : `: ${o.failures.join('; ')}`}\n`);
  }
  for (const f of failures) process.stdout.write(`FAIL ${f}\n`);
  for (const m of checked.missed) process.stdout.write(`TARGET MISSED ${m}\n`);
  process.stdout.write(`e2e: total ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  process.stdout.write(`${summaryLine(outcomes, totals)}\n`);
  return failures.length || outcomes.some((o) => !o.passed) || outcomes.length < scenarios.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stdout.write(`FAIL ${err.message}\n${summaryLine([], { duplicateSms: 0, lostJournal: 0 })}\n`);
    process.exit(1);
  },
);
