// Runs every test suite of the project in turn, streams its output, and closes with one
// summary: a line per suite and the plain `tests: N passed, M failed` line CI reads.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const results = join(root, '.tmp', 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const vitest = (name, dir) => ({
  name,
  cmd: ['npx', 'vitest', 'run', '--root', dir, '--reporter=default', '--reporter=json', `--outputFile.json=${join(results, name + '.json')}`],
  count: () => {
    const f = join(results, name + '.json');
    if (!existsSync(f)) return null;
    const r = JSON.parse(readFileSync(f, 'utf8'));
    return { passed: r.numPassedTests, failed: r.numFailedTests + (r.numTotalTestSuites && !r.success && r.numFailedTests === 0 ? 1 : 0) };
  },
});
// A suite that prints its own `N passed, M failed` (or e2e's key=value line) last.
const summarised = (name, cmd) => ({ name, cmd, count: (out) => {
  const plain = [...out.matchAll(/(\d+) passed, (\d+) failed/g)].pop();
  if (plain) return { passed: +plain[1], failed: +plain[2] };
  const e2e = [...out.matchAll(/scenarios=(\d+) passed=(\d+)/g)].pop();
  if (e2e) return { passed: +e2e[2], failed: +e2e[1] - +e2e[2] };
  return null;
} });
// A check that passes or fails as a whole (lint, build).
const check = (name, cmd) => ({ name, cmd, count: () => null });
// A suite that mostly waits on real time (the e2e's warm-up and alert timers): it starts as
// soon as the build is done and runs beside the others, its output kept and shown whole
// when it ends, so the whole run takes about as long as it does rather than the sum.
const beside = (suite) => ({ ...suite, beside: true });

const SUITES = [
  check('lint', ['bash', '-c', 'npx eslint . && npm run typecheck --workspaces --if-present && npx tsc -p tsconfig.json && npx tsc -p deploy/tsconfig.json && npx tsc -p security/tsconfig.json && npx tsc -p e2e/tsconfig.json && npx tsc -p prometheus/tsconfig.json && npx tsc -p ha/tsconfig.json']),
  // Also the app's test harness, so that no suite after it rebuilds what another one is running.
  check('build', ['bash', '-c', 'npm run build --workspaces --if-present && npm run build:harness -w grafana-app']),
  vitest('common', 'common'),
  vitest('exporter', 'exporter'),
  vitest('simulator', 'simulator'),
  vitest('notifier', 'notifier'),
  // A day report built by `ussdwatch report` over the live chain with an injected fault:
  // the chain runs the built programs, so they are built first.
  { ...vitest('reports', 'reports'), cmd: ['bash', '-c', `[ "$USSDWATCH_BUILT" = 1 ] || npm run build --silent -w common -w exporter -w notifier -w simulator -w reports; ${vitest('reports', 'reports').cmd.map((a) => `'${a}'`).join(' ')}`] },
  summarised('prometheus', ['bash', 'prometheus/test.sh']),
  summarised('alertmanager', ['bash', 'alertmanager/test.sh']),
  vitest('deploy', 'deploy'),
  // Attacks against the real services started from their command lines (SECURITY.md).
  vitest('security', 'security'),
  vitest('grafana-app', 'grafana-app'),
  summarised('grafana-app-e2e', ['npm', 'run', 'test:e2e', '-w', 'grafana-app']),
  beside(summarised('e2e', ['npm', 'run', 'e2e'])),
  // The HA topology losing a Prometheus, an Alertmanager peer and the notifier (docs/ha.md).
  summarised('ha', ['bash', 'scripts/ha.sh']),
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !SUITES.some((s) => s.name === w));
if (unknown.length) {
  console.error(`test: unknown suite(s) ${unknown.join(', ')}; known: ${SUITES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const run = SUITES.filter((s) => wanted.length === 0 || wanted.includes(s.name));

// Once the build suite has run, the suites after it (and the ones beside) skip their own builds
// (USSDWATCH_BUILT=1), which would otherwise rewrite dist/ while another suite runs from it.
const builds = run.some((s) => s.name === 'build');
let built = {};

/** Runs a suite; its output goes to this terminal, or (a suite beside the others) to a log file. */
function exec(cmd, { log, env = {} } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', ...env } });
    let tail = '';
    const file = log && createWriteStream(log);
    const keep = (out) => (b) => {
      (file || out).write(b);
      tail = (tail + b.toString()).slice(-20000);
    };
    child.stdout.on('data', keep(process.stdout));
    child.stderr.on('data', keep(process.stderr));
    child.on('close', (code) => {
      const result = { code: code ?? 1, out: tail };
      if (file) file.end(() => done(result));
      else done(result);
    });
  });
}

const rows = [];
// Why each failed suite failed, repeated beside the summary: CI keeps only the end of the output.
const reasons = [];
let passed = 0;
let failed = 0;
function record(suite, { code, out }, started) {
  let n = suite.count(out) ?? (code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
  // A suite that exits non-zero has failed, whatever it counted.
  if (code !== 0 && n.failed === 0) n = { ...n, failed: 1 };
  passed += n.passed;
  failed += n.failed;
  if (code !== 0) {
    const said = out.split('\n').filter((l) => /\bFAIL\b|\b\w*Error:|[×✗]/.test(l)).slice(-8);
    reasons.push(...(said.length ? said : out.trimEnd().split('\n').slice(-4)).map((l) => `${suite.name}: ${l.trim().slice(0, 300)}`));
  }
  rows.push(`${code === 0 ? 'ok  ' : 'FAIL'} ${suite.name.padEnd(18)} ${String(n.passed).padStart(4)} passed ${String(n.failed).padStart(3)} failed  ${((Date.now() - started) / 1000).toFixed(0)}s`);
}

const besides = [];
function startBeside() {
  for (const suite of run.filter((s) => s.beside)) {
    const started = Date.now();
    const log = join(results, `${suite.name}.log`);
    console.log(`\n=== ${suite.name} (beside the others; live: tail -f ${log}; shown here when it ends): ${suite.cmd.join(' ')}`);
    besides.push(exec(suite.cmd, { log, env: built }).then((r) => ({ suite, r, started, log })));
  }
}
if (!builds) startBeside();
for (const suite of run.filter((s) => !s.beside)) {
  const started = Date.now();
  console.log(`\n=== ${suite.name}: ${suite.cmd.join(' ')}`);
  const r = await exec(suite.cmd, { env: built });
  record(suite, r, started);
  if (suite.name === 'build') {
    if (r.code === 0) built = { USSDWATCH_BUILT: '1' };
    startBeside();
  }
}
for (const { suite, r, started, log } of await Promise.all(besides)) {
  console.log(`\n=== ${suite.name} output (${log})`);
  process.stdout.write(readFileSync(log));
  record(suite, r, started);
}
console.log('\n=== summary');
for (const r of rows) console.log(r);
if (reasons.length) console.log(`\n=== why (the last lines of each failed suite that say so; its whole output is above)\n${reasons.join('\n')}\n`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
