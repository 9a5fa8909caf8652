// `npm run anomaly:functions`: the anomaly and health rules use only what Prometheus 2.42
// and VictoriaMetrics both implement. Starts both (Debian's packages), then asks each:
//   - every expression of rules/shortcode-anomaly.yml and rules/shortcode-health.yml (the
//     real rules: both must accept them; Prometheus also loads them as rule files);
//   - each function the rules call, on constant input, and the two must agree on the value;
//   - a control that must fail on Prometheus 2.42 (double_exponential_smoothing), so a
//     check that always passes cannot go unnoticed.
// Exits non-zero on any disagreement.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { freePort, startProcess, startPrometheus } from '@ussdwatch/testkit';

const root = resolve(import.meta.dirname, '../..');
const FILES = ['prometheus/rules/shortcode-anomaly.yml', 'prometheus/rules/shortcode-health.yml'].map((f) => join(root, f));

/** Each function or aggregation the rules call, on constant input, with the value both must return. */
const PROBES: Record<string, { expr: string; value: number }> = {
  avg_over_time: { expr: 'avg_over_time(vector(2)[10m:1m] offset 1h30m)', value: 2 },
  quantile: { expr: 'quantile(0.5, label_replace(vector(1), "w", "1", "", "") or label_replace(vector(3), "w", "2", "", "") or label_replace(vector(10), "w", "3", "", ""))', value: 3 },
  count: { expr: 'count(label_replace(vector(1), "w", "1", "", "") or label_replace(vector(1), "w", "2", "", ""))', value: 2 },
  max: { expr: 'max(label_replace(vector(1), "t", "a", "", "") or label_replace(vector(4), "t", "b", "", ""))', value: 4 },
  min: { expr: 'min(label_replace(vector(1), "t", "a", "", "") or label_replace(vector(4), "t", "b", "", ""))', value: 1 },
  group: { expr: 'group(label_replace(vector(3), "n", "a", "", "") or label_replace(vector(4), "n", "b", "", ""))', value: 1 },
  abs: { expr: 'abs(vector(-2.5))', value: 2.5 },
  sqrt: { expr: 'sqrt(vector(16))', value: 4 },
  clamp_min: { expr: 'clamp_min(vector(-1), 0)', value: 0 },
  clamp_max: { expr: 'clamp_max(vector(7), 1)', value: 1 },
  label_replace: { expr: 'sum by (term) (label_replace(vector(5), "term", "weeks", "", ""))', value: 5 },
  'group_left ()': { expr: 'label_replace(vector(6), "w", "1", "", "") - on () group_left () vector(1)', value: 5 },
  'and / or / unless': { expr: '(vector(1) and vector(2)) or vector(3) unless vector(4)', value: 1 },
};

/** Calls in the rules: a name directly followed by "(", or an aggregation's "by (...) (". */
function functionsIn(expr: string): string[] {
  const calls = [...expr.matchAll(/\b([a-z_]+)\s*(?:by \([^)]*\) )?\(/g)].map((m) => m[1]);
  return calls.filter((c) => !['by', 'on', 'group_left', 'without', 'ignoring', 'and', 'or', 'unless'].includes(c));
}

interface Answer {
  ok: boolean;
  value?: number;
  error?: string;
}

async function ask(base: string, expr: string): Promise<Answer> {
  const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query: expr, time: String(Date.now() / 1000) })}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: Array<{ value: [number, string] }> } };
  if (body.status !== 'success') return { ok: false, error: body.error };
  const first = body.data?.result[0];
  return { ok: true, value: first ? Number(first.value[1]) : undefined };
}

const rules = FILES.flatMap((f) => (parse(readFileSync(f, 'utf8')) as { groups: Array<{ rules: Array<{ record?: string; alert?: string; expr: string }> }> }).groups.flatMap((g) => g.rules));
const used = [...new Set(rules.flatMap((r) => functionsIn(r.expr)))].sort();
const unprobed = used.filter((f) => !(f in PROBES));

const vmDir = mkdtempSync(join(tmpdir(), 'ussdwatch-vm-'));
const prometheus = await startPrometheus({ targets: {}, ruleFiles: FILES });
const vmPort = await freePort();
const vm = await startProcess('victoria-metrics', [`-httpListenAddr=127.0.0.1:${vmPort}`, `-storageDataPath=${vmDir}`, '-retentionPeriod=1d'], {
  readyUrl: `http://127.0.0.1:${vmPort}/health`,
  name: 'victoria-metrics',
});
const vmUrl = `http://127.0.0.1:${vmPort}`;
let failures = 0;
const fail = (line: string) => {
  failures++;
  console.log(`FAILED  ${line}`);
};
try {
  console.log(`functions the rules call: ${used.join(', ')}`);
  if (unprobed.length) fail(`no probe for ${unprobed.join(', ')}: add one to PROBES`);
  for (const [name, probe] of Object.entries(PROBES)) {
    const [p, v] = await Promise.all([ask(prometheus.url, probe.expr), ask(vmUrl, probe.expr)]);
    if (p.value === probe.value && v.value === probe.value) console.log(`ok      ${name} = ${probe.value} on both`);
    else fail(`${name}: Prometheus ${p.error ?? p.value}, VictoriaMetrics ${v.error ?? v.value}, expected ${probe.value}`);
  }
  for (const r of rules) {
    const [p, v] = await Promise.all([ask(prometheus.url, r.expr), ask(vmUrl, r.expr)]);
    const name = r.record ?? r.alert;
    if (p.ok && v.ok) console.log(`ok      ${name}${r.record ? '' : ' (alert)'} accepted by both`);
    else fail(`${name}: Prometheus ${p.error ?? 'ok'}; VictoriaMetrics ${v.error ?? 'ok'}`);
  }
  const control = await ask(prometheus.url, 'double_exponential_smoothing(vector(1)[5m:1m], 0.5, 0.5)');
  if (control.ok) fail('control: Prometheus 2.42 accepted double_exponential_smoothing; is this another version?');
  else console.log('ok      control: Prometheus 2.42 refuses double_exponential_smoothing');
} finally {
  await Promise.all([prometheus.stop(), vm.stop()]);
  rmSync(vmDir, { recursive: true, force: true });
}
console.log(`${failures ? 'FAILED' : 'ok'}: ${rules.length} rule expressions and ${Object.keys(PROBES).length} functions on Prometheus and VictoriaMetrics`);
process.exitCode = failures ? 1 : 0;
