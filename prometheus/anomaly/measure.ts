// `npm run anomaly:week`: false pages over simulated normal weeks of a fresh install, and
// the time to fire on a 50% drop and a 3x surge, for main's rules (before) and this
// checkout's (after). Prints the figures docs/anomaly.md quotes.
//
// How: the series of a fresh install (synthetic-week.ts) become promtool unit-test input;
// promtool evaluates the real rule files over them (every 5 minutes over the normal weeks,
// every minute around the faults, on the faulted codes alone: a fortnight of 12 codes at
// the production 15 s would take hours on promtool's engine); each figure is a PromQL
// query over the ALERTS series promtool's rule engine writes, asked as a promql_expr_test
// that expects nothing, so promtool prints what it got. A firing is a rising edge of
// ALERTS{alertstate="firing"} (firing now, not one evaluation earlier).
//
//   npm run anomaly:week [-- --rate 100 --seed 7 --weeks 2]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { DAY_S, weekSeries, type Fault } from './synthetic-week.js';

const root = resolve(import.meta.dirname, '../..');
/** The files of short-code rules: the ones the dialog series feed. */
const RULE_FILES = ['shortcode-errors.yml', 'shortcode-latency.yml', 'shortcode-traffic.yml', 'shortcode-anomaly.yml', 'shortcode-health.yml'];
const CODES = 12;
const NORMAL_EVAL = '5m';
const FAULT_EVAL = '1m';

const { values: args } = parseArgs({
  options: { rate: { type: 'string', default: '100' }, seed: { type: 'string', default: '7' }, weeks: { type: 'string', default: '2' } },
});
const peakRate = Number(args.rate);
const seed = Number(args.seed);
const weeks = Number(args.weeks);

const catalogue = (parse(readFileSync(join(root, 'exporter/config/catalogue.yaml'), 'utf8')) as { short_codes: Array<{ code: string; team: string; objective?: number }> })
  .short_codes.slice(0, CODES);
const codes = catalogue.map((c) => c.code);

/** Seconds from the start (01:00 on a Thursday in Algiers) of `hour` local time on day `day` (0 = the first). */
const at = (day: number, hour: number) => day * DAY_S + (hour - 1) * 3600;
const HOLD_S = 2 * 3600;
/** The same faults in the warm-up week (day 5, a Monday) and once a week of history exists (day 8, a Thursday). */
const faultDays = [4, 7];
const faults: Fault[] = faultDays.flatMap((d) => [
  { code: codes[1], from: at(d, 19), to: at(d, 19) + HOLD_S, factor: 0.5 },
  { code: codes[9], from: at(d, 19), to: at(d, 19) + HOLD_S, factor: 0.5 },
  { code: codes[4], from: at(d, 10), to: at(d, 10) + HOLD_S, factor: 3 },
]);

/** A query tagged so its results can be told apart in promtool's output. */
interface Query {
  tag: string;
  expr: string;
  evalS: number;
}

const firing = 'ALERTS{alertstate="firing"}';
const edges = (evalEvery: string) => `(${firing} unless ${firing} offset ${evalEvery})`;
const tagged = (q: Omit<Query, 'expr'> & { expr: string }) => ({ ...q, expr: `label_replace(${q.expr}, "q", "${q.tag}", "", "")` });

function infoSeries(days: number, only: ReadonlySet<string>) {
  const n = (days * DAY_S) / 60;
  return [
    ...catalogue.filter((c) => only.has(c.code)).map((c) => ({ series: `ussd_shortcode_info{short_code="${c.code}",team="${c.team}"}`, values: `1x${n}` })),
    ...catalogue.filter((c) => c.objective && only.has(c.code)).map((c) => ({ series: `ussd_shortcode_objective_ratio{short_code="${c.code}"}`, values: `${c.objective}x${n}` })),
  ];
}

function groupOrder(files: string[]): string[] {
  const names = files.flatMap((f) => (parse(readFileSync(f, 'utf8')) as { groups: Array<{ name: string }> }).groups.map((g) => g.name));
  const rank = (n: string) => (n.endsWith('errors') ? 0 : n.endsWith('latency') ? 1 : n.endsWith('health') ? 3 : 2);
  return names.sort((a, b) => rank(a) - rank(b));
}

interface Run {
  name: string;
  files: string[];
  days: number;
  evalEvery: string;
  faults: Fault[];
  /** The codes given series (all of them share the traffic by popularity either way). */
  only: ReadonlySet<string>;
  queries: Query[];
}

/** One promtool test; each query's results by tag. */
async function evaluate(dir: string, r: Run): Promise<Map<string, Array<{ labels: Record<string, string>; value: number }>>> {
  const series = weekSeries({ codes, peakRate, days: r.days, seed, faults: r.faults }).filter((s) => [...r.only].some((c) => s.series.includes(`"${c}"`)));
  const test = {
    rule_files: r.files,
    group_eval_order: groupOrder(r.files),
    evaluation_interval: r.evalEvery,
    tests: [
      {
        name: r.name,
        interval: '1m',
        input_series: [...infoSeries(r.days, r.only), ...series],
        promql_expr_test: r.queries.map((q) => ({ expr: tagged(q).expr, eval_time: `${q.evalS}s`, exp_samples: [] })),
      },
    ],
  };
  const file = join(dir, `${r.name}.yml`);
  writeFileSync(file, stringify(test, { lineWidth: 0 }));
  const out = await run('promtool', ['test', 'rules', file]);
  const results = new Map<string, Array<{ labels: Record<string, string>; value: number }>>();
  for (const got of out.matchAll(/^\s+got: (.*)$/gm)) {
    for (const m of got[1].matchAll(/\{([^}]*)\} ([-+.\dEe]+|NaN)/g)) {
      const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
      const list = results.get(labels.q) ?? [];
      list.push({ labels, value: Number(m[2]) });
      results.set(labels.q, list);
    }
  }
  if (/FAILED/.test(out) && results.size === 0) throw new Error(`promtool failed on ${file}:\n${out}`);
  return results;
}

function run(cmd: string, argv: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('close', () => done(out));
  });
}

/** Main's rule files, or this checkout's, in a folder of their own. */
function ruleSet(dir: string, which: 'before' | 'after'): string[] {
  return RULE_FILES.flatMap((f) => {
    const path = `prometheus/rules/${f}`;
    const text =
      which === 'after'
        ? readFileSync(join(root, path), 'utf8')
        : (() => {
            try {
              return execFileSync('git', ['show', `main:${path}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
            } catch {
              return undefined; // not on main
            }
          })();
    if (text === undefined) return [];
    const out = join(dir, `${which}-${f}`);
    writeFileSync(out, text);
    return [out];
  });
}

interface Figures {
  /** Firings per week and alertname/tier. */
  perWeek: Array<Map<string, number>>;
  /** Firings per day of the first week. */
  perDay: number[];
  /** Seconds from each fault's start to the first firing on its code, by alertname. */
  detection: Array<{ fault: Fault; day: number; first: Map<string, number> }>;
}

async function measure(dir: string, which: 'before' | 'after'): Promise<Figures> {
  const files = ruleSet(dir, which);
  const days = weeks * 7;
  // Normal weeks: no fault at all.
  const normal: Query[] = Array.from({ length: days }, (_, d) => ({
    tag: `day${d}`,
    evalS: (d + 1) * DAY_S,
    expr: `sum by (alertname, tier) (sum_over_time(${edges(NORMAL_EVAL)}[1d:${NORMAL_EVAL}]))`,
  }));
  const normalRes = await evaluate(dir, { name: `${which}-normal`, files, days, evalEvery: NORMAL_EVAL, faults: [], only: new Set(codes), queries: normal });
  const perDayAlerts = Array.from({ length: days }, (_, d) => normalRes.get(`day${d}`) ?? []);
  const perWeek = Array.from({ length: weeks }, (_, w) => {
    const m = new Map<string, number>();
    for (const r of perDayAlerts.slice(w * 7, w * 7 + 7).flat()) {
      const key = `${r.labels.alertname} (tier ${r.labels.tier})`;
      m.set(key, (m.get(key) ?? 0) + r.value);
    }
    return m;
  });
  const perDay = perDayAlerts.slice(0, 7).map((rs) => rs.reduce((a, r) => a + r.value, 0));

  // The faults, over as many days as the last one needs.
  const faultDaysTotal = Math.ceil(Math.max(...faults.map((f) => f.to)) / DAY_S);
  const detectQueries: Query[] = faults.map((f, i) => ({
    tag: `fault${i}`,
    evalS: f.to,
    expr: `min by (alertname) (min_over_time(timestamp(${firing.replace('}', `,short_code="${f.code}"}`)})[${HOLD_S}s:${FAULT_EVAL}]))`,
  }));
  const detectRes = await evaluate(dir, {
    name: `${which}-faults`,
    files,
    days: faultDaysTotal,
    evalEvery: FAULT_EVAL,
    faults,
    only: new Set(faults.map((f) => f.code)),
    queries: detectQueries,
  });
  const detection = faults.map((f, i) => ({
    fault: f,
    day: Math.floor(f.from / DAY_S),
    first: new Map((detectRes.get(`fault${i}`) ?? []).map((r) => [r.labels.alertname, r.value - f.from])),
  }));
  return { perWeek, perDay, detection };
}

const minutes = (s: number) => `${Math.round(s / 60)}m`;

function print(which: string, f: Figures): void {
  console.log(`\n## ${which}`);
  f.perWeek.forEach((m, w) => {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    const detail = [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`week ${w + 1}${w === 0 ? ' (fresh install)' : ''}: ${total} firings${total ? `: ${detail}` : ''}`);
  });
  console.log(`week 1 by day: ${f.perDay.join(' ')}`);
  for (const d of f.detection) {
    const what = d.fault.factor < 1 ? `${(1 - d.fault.factor) * 100}% drop` : `${d.fault.factor}x surge`;
    const fired = [...d.first].sort((a, b) => a[1] - b[1]).map(([a, s]) => `${a} +${minutes(s)}`).join(', ');
    console.log(`day ${d.day + 1}, ${what} on ${d.fault.code}: ${fired || 'nothing fired within 2h'}`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-anomaly-'));
try {
  console.log(
    `${CODES} codes, ${peakRate} dialogs/s at the weekday peak, seed ${seed}, ${weeks} weeks from a Thursday 01:00 (Algiers), evaluated every ${NORMAL_EVAL}; ` +
      `faults for 2h on days ${faultDays.map((d) => d + 1).join(' and ')}, evaluated every ${FAULT_EVAL}`,
  );
  const [before, after] = await Promise.all([measure(dir, 'before'), measure(dir, 'after')]);
  print("before (main's rules)", before);
  print('after (this checkout)', after);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
