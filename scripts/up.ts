// `npm start`: the whole ussdwatch chain on this machine, fed by the simulator, until it is
// told to stop. `npm start -- --smoke`: the same, then checks every part and that a fault
// reaches an SMS.
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { assertPortsFree, FIXED_PORT_PARTS, portsFromEnv, PORT_ENV, REPO_ROOT, startProcess, waitFor, type PartName } from '@ussdwatch/testkit';
import { startHaStack, type HaStack } from '@ussdwatch/testkit/ha-stack';
import { startStack, type Stack } from '@ussdwatch/testkit/stack';

const USAGE = `usage: npm start [-- --smoke] [--ha] [--no-build]

Starts simulator -> exporter -> Prometheus -> Alertmanager -> notifier -> Kannel (fakesmsc)
+ SMTP server, the report service and the Grafana app harness, on 127.0.0.1; state under ./.run/. Ctrl-C, or
SIGINT, SIGTERM or SIGHUP to npm or to this program, stops everything it started (so does
npm going away).

  --smoke      start it all, check every part and that an injected fault reaches an SMS,
               then exit 0 (or 1, saying what failed)
  --ha         the HA topology instead (docs/ha.md): one exporter per gateway node, a
               Prometheus pair, a cluster of 3 Alertmanagers, VictoriaMetrics as the
               store; state under ./.run/ha/ (no Grafana app harness)
  --no-build   run what the last \`npm start\` built: no install, no build (seconds faster)

ports (override with the environment; Alertmanager, Kannel and SMTP take free ports, printed at start):
${FIXED_PORT_PARTS.map((part) => `  ${PORT_ENV[part].padEnd(28)} ${part}`).join('\n')}`;

const SMOKE_FAULT = { scenario: 'app_down', target: '*710#' };
const SMOKE_SMS_TIMEOUT_MS = 5 * 60_000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const rel = (p: string) => relative(process.cwd(), p) || '.';

function tryThis(stack: Stack): string {
  const u = stack.urls;
  return `
ussdwatch is up (state in ${rel(stack.workDir)}/, process logs in ${rel(stack.dirs.processLogs)}/)

  metrics          ${u.exporter}/metrics          (events: ${u.exporter}/api/events?short_code=*710%23)
  Prometheus       ${u.prometheus}/alerts
  Alertmanager     ${u.alertmanager}/#/alerts
  notifier         ${u.notifier}/api/journal  (header: Authorization: Bearer ${stack.notifierToken})
  Grafana app      ${u.harness ?? '(harness not started)'}/a/djezzy-ussdwatch-app/overview
  reports          ${u.harness ?? '(harness not started)'}/a/djezzy-ussdwatch-app/reports  (archive ${rel(join(stack.workDir, 'reports'))}/, API ${u.reports}/api/reports)
  SMS received     tail -f ${rel(smsLog(stack.workDir))}
  mails received   tail -f ${rel(mailLog(stack.workDir))}

try this: break *710# (the application stops answering), then watch the SMS arrive (~2 min):
  curl -s -XPOST ${u.simulator}/faults -H 'content-type: application/json' -d '{"scenario":"app_down","target":"*710#"}'
  node simulator/bin/ussdwatch-simulate.js fault list --control ${u.simulator}
  curl -s -XDELETE ${u.simulator}/faults/<id>      # the fault stops; resolved notifications follow
other scenarios: slow_app, connector, node_overload, routing_broken, typo_storm, node_silent,
malformed_burst, dpss_stop (docs/simulator.md).

Ctrl-C (or SIGINT, SIGTERM, SIGHUP to npm or to this process: pid ${process.pid}) stops everything.`;
}

function tryThisHa(stack: HaStack): string {
  const u = stack.urls;
  const list = (urls: string[], path: string) => urls.map((x) => `${x}${path}`).join('  ');
  return `
ussdwatch HA is up (state in ${rel(stack.workDir)}/, process logs in ${rel(stack.dirs.processLogs)}/)

  exporters        ${Object.entries(u.exporters).map(([node, x]) => `${node} ${x}/metrics`).join('\n                   ')}
  Prometheus pair  ${list(u.prometheus, '/alerts')}
  Alertmanagers    ${list(u.alertmanagers, '/#/status')}
  store            ${u.store}/vmui  (Prometheus API: ${u.store}/api/v1/query)
  notifier         ${u.notifier}/api/journal  (header: Authorization: Bearer ${stack.notifierToken})
  SMS received     tail -f ${rel(smsLog(stack.workDir))}
  mails received   tail -f ${rel(mailLog(stack.workDir))}

try this: break *710#, then kill one of each (kill -9 the pid from \`ss -ltnp\`) and watch the SMS still arrive once:
  curl -s -XPOST ${u.simulator}/faults -H 'content-type: application/json' -d '{"scenario":"app_down","target":"*710#"}'

Ctrl-C (or SIGINT, SIGTERM, SIGHUP to npm or to this process: pid ${process.pid}) stops everything.`;
}

const smsLog = (workDir: string) => join(workDir, 'sms.log');
const mailLog = (workDir: string) => join(workDir, 'mail.log');

/**
 * Appends each new SMS and mail to sms.log and mail.log in the work folder, where `tail -f`
 * shows them; both exist from start-up, so `tail -f` works before the first message.
 */
async function recordInbox(stack: Pick<Stack, 'workDir' | 'sms' | 'mails'>): Promise<() => Promise<void>> {
  await writeFile(smsLog(stack.workDir), '', { flag: 'a' });
  await writeFile(mailLog(stack.workDir), '', { flag: 'a' });
  let sms = 0;
  let mails = 0;
  return async () => {
    const newSms = stack.sms().slice(sms);
    const newMails = stack.mails().slice(mails);
    sms += newSms.length;
    mails += newMails.length;
    const stamp = (ms: number) => new Date(ms).toISOString();
    if (newSms.length) await appendFile(smsLog(stack.workDir), newSms.map((m) => `${stamp(m.seenAt)} to ${m.to} from ${m.from}: ${m.text}\n`).join(''));
    if (newMails.length) await appendFile(mailLog(stack.workDir), newMails.map((m) => `${stamp(m.seenAt)} to ${m.to.join(', ')}: ${m.subject}\n`).join(''));
  };
}

async function healthy(name: string, url: string): Promise<string | null> {
  const res = await fetch(url).catch((err: Error) => err);
  if (res instanceof Error) return `${name}: ${url} unreachable (${res.message})`;
  return res.ok ? null : `${name}: ${url} answered HTTP ${res.status}`;
}

/** The SMTP server greets a client with 220, as any mail server must. */
function smtpGreets(url: string): Promise<string | null> {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = connect(Number(port), hostname);
    const fail = (why: string) => {
      socket.destroy();
      done(`smtp: ${url} ${why}`);
    };
    socket.setTimeout(5000, () => fail('did not greet within 5 s'));
    socket.once('error', (err) => fail(`unreachable (${err.message})`));
    socket.once('data', (b: Buffer) => {
      socket.end('QUIT\r\n');
      done(b.toString().startsWith('220') ? null : `smtp: ${url} greeted with ${b.toString().trim()}`);
    });
  });
}

/** Every part answers, and Prometheus scrapes the exporter and the notifier. */
async function checkParts(stack: Stack): Promise<string[]> {
  const u = stack.urls;
  const checks = await Promise.all([
    healthy('exporter', `${u.exporter}/ready`),
    healthy('notifier', `${u.notifier}/ready`),
    healthy('simulator', `${u.simulator}/healthz`),
    healthy('prometheus', `${u.prometheus}/-/ready`),
    healthy('alertmanager', `${u.alertmanager}/-/ready`),
    // sendsms answers a request without credentials with an error status: reaching it is the check.
    healthy('kannel sendsms', u.sendsms).then((e) => (e?.includes('unreachable') ? e : null)),
    smtpGreets(u.smtp),
    u.reports ? healthy('report service', `${u.reports}/healthz`) : Promise.resolve(null),
    u.harness ? healthy('grafana app harness', `${u.harness}/a/djezzy-ussdwatch-app/overview`) : Promise.resolve(null),
  ]);
  const failures = checks.filter((c): c is string => c !== null);
  const rules = (await (await fetch(`${u.prometheus}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> } };
  const all = rules.data.groups.flatMap((g) => g.rules);
  if (!all.length) failures.push('prometheus: no rules loaded');
  for (const r of all.filter((x) => x.health === 'err')) failures.push(`prometheus: rule ${r.name}: ${r.lastError}`);
  const targets = await waitFor(async () => {
    const body = (await (await fetch(`${u.prometheus}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ labels: { job: string }; health: string }> } };
    const up = body.data.activeTargets.filter((t) => t.health === 'up').map((t) => t.labels.job);
    return ['ussdwatch-exporter', 'ussdwatch-notifier'].every((j) => up.includes(j)) && up;
  }, { timeoutMs: 60_000, intervalMs: 500, what: 'Prometheus scraping the exporter and the notifier' }).catch((err: Error) => err);
  if (targets instanceof Error) failures.push(targets.message);
  return failures;
}

async function smoke(stack: Stack, started: number): Promise<number> {
  const fault = await stack.faults.start(SMOKE_FAULT);
  say(`smoke: injected ${SMOKE_FAULT.scenario} on ${SMOKE_FAULT.target} (fault ${fault.id})`);
  const failures = await checkParts(stack);
  for (const f of failures) say(`smoke: FAIL ${f}`);
  if (!failures.length) say('smoke: every part is up; Prometheus has its rules and scrapes the exporter and the notifier');
  const sms = await waitFor(() => stack.sms().find((m) => m.text.includes(SMOKE_FAULT.target)), {
    timeoutMs: SMOKE_SMS_TIMEOUT_MS,
    intervalMs: 250,
    what: `an SMS naming ${SMOKE_FAULT.target}`,
  }).catch((err: Error) => err);
  if (sms instanceof Error) {
    say(`smoke: FAIL ${sms.message}; alerts in Prometheus: ${stack.urls.prometheus}/alerts; process logs: ${rel(stack.dirs.processLogs)}/`);
    failures.push(sms.message);
  } else {
    say(`smoke: SMS to ${sms.to} ${((sms.seenAt - fault.startedAt) / 1000).toFixed(1)} s after the fault: ${sms.text}`);
  }
  await stack.faults.stop(fault.id);
  say(`smoke: ${failures.length ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return failures.length ? 1 : 0;
}

/**
 * Resolves with the reason to stop: SIGINT, SIGTERM or SIGHUP (npm passes on the first two
 * only), or the process that ran up.sh (npm) gone, which is how a SIGHUP or SIGKILL sent to
 * npm shows here. A second signal does not wait for the orderly stop: exiting kills every
 * process group still running (testkit's process.ts).
 */
function stopRequested(): Promise<string> {
  return new Promise((done) => {
    let asked = false;
    const request = (why: string) => {
      if (asked) {
        say(`up: ${why} again: killing everything now`);
        process.exit(130);
      }
      asked = true;
      done(why);
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => request(signal));
    const launcher = Number(process.env.USSDWATCH_UP_PARENT);
    if (!(launcher > 0)) return;
    // The launcher gone is one request, not one a second: a stop that takes longer (the
    // background history's programs) must not be taken for a second signal.
    const gone = () => process.ppid !== launcher;
    if (gone()) return request(`its launcher (pid ${launcher}) exited`);
    const timer = setInterval(() => {
      if (!gone()) return;
      clearInterval(timer);
      request(`its launcher (pid ${launcher}) exited`);
    }, 1000);
    timer.unref();
  });
}

/** Builds what the stack runs, two builds at once; a stop request stops them (whole process groups). */
async function build(stop: Promise<string>): Promise<'built' | 'stopped'> {
  say('up: building the shared core, the exporter, the simulator, the notifier, the reports and the Grafana app harness');
  const builds = await Promise.all([
    startProcess('npm', ['run', 'build', '--silent', '-w', 'common', '-w', 'exporter', '-w', 'simulator', '-w', 'notifier', '-w', 'reports'], { cwd: REPO_ROOT, name: 'npm run build' }),
    startProcess('npm', ['run', 'build:harness', '--silent', '-w', 'grafana-app'], { cwd: REPO_ROOT, name: 'npm run build:harness' }),
  ]);
  const outcome = await Promise.race([Promise.all(builds.map((b) => b.exit)), stop.then(() => null)]);
  if (outcome === null) {
    await Promise.all(builds.map((b) => b.stop()));
    return 'stopped';
  }
  const failed = builds.filter((_, i) => outcome[i] !== 0);
  if (failed.length) throw new Error(failed.map((b) => `${b.name} failed:\n${b.output().slice(-3000)}`).join('\n'));
  return 'built';
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { smoke: { type: 'boolean' }, ha: { type: 'boolean' }, 'no-build': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    say(USAGE);
    return 0;
  }
  if (values.ha && values.smoke) throw new Error('--smoke checks the single-machine start; the HA topology has its proof: npm test -- ha');
  // Taken from the very start: a signal while building or starting must still stop it all.
  const stop = stopRequested();
  const started = Date.now();
  const all = portsFromEnv();
  const ports = Object.fromEntries(FIXED_PORT_PARTS.map((p) => [p, all[p]])) as Partial<Record<PartName, number>>;
  await assertPortsFree(ports);
  if (!values['no-build'] && (await build(stop)) === 'stopped') {
    say(`up: ${await stop}: stopped while building`);
    return 130;
  }
  // The smoke run starts from nothing and leaves the demo's state alone.
  const workDir = join(REPO_ROOT, '.run', values.smoke ? 'smoke' : values.ha ? 'ha' : 'stack');
  if (values.smoke) await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  if (values.ha) return runUntilStopped(await startHaStack({ workDir, ports, onProgress: (m) => say(`up: ${m}`) }), tryThisHa, stop);
  // The demo starts with yesterday, backfilled as an operator would, so the scheduled day report has a day to report on.
  const stack = await startStack({ workDir, ports, harness: true, reports: true, history: values.smoke ? undefined : {}, onProgress: (m) => say(`up: ${m}`) });
  stack.history?.then(
    (h) => say(h.skipped ? `up: Prometheus already holds the time since ${h.from}: no history to make` : `up: history from ${h.from} to ${h.to} backfilled into Prometheus in ${h.seconds.toFixed(0)} s; the due day report, unless already sent, follows in ${rel(mailLog(stack.workDir))} within a minute or two`),
    (err: Error) => say(`up: yesterday could not be backfilled: ${err.message}`),
  );
  if (values.smoke) {
    const code = await Promise.race([smoke(stack, started), stop.then(() => 130)]);
    await stopAll(stack, code === 130 ? await stop : 'smoke test done');
    return code;
  }
  return runUntilStopped(stack, tryThis, stop);
}

/** Says what is up, records what arrives, and stops it all when asked. */
async function runUntilStopped<S extends Pick<Stack, 'workDir' | 'sms' | 'mails' | 'stop'>>(stack: S, describe: (s: S) => string, stop: Promise<string>): Promise<number> {
  const record = await recordInbox(stack);
  say(describe(stack));
  const timer = setInterval(() => void record(), 1000);
  const why = await stop;
  clearInterval(timer);
  await record();
  await stopAll(stack, why);
  return 0;
}

async function stopAll(stack: Pick<Stack, 'stop'>, why: string): Promise<void> {
  say(`up: ${why}: stopping`);
  await stack.stop();
  say('up: stopped every process it started');
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`up: ${err.message}\n`);
    process.exit(1);
  },
);
