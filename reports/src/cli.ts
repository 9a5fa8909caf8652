// ussdwatch-report (also `ussdwatch report`): builds one report now, or `serve` runs the
// schedule. Exit status: 0 built; 2 bad usage or configuration; 3 nothing to report (no
// data for the period and scope); 1 a source could not be reached or answered an error.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCommand, UsageError } from '@ussdwatch/common/cli.js';
import { buildReport } from './build.js';
import { NoDataError } from './gather.js';
import type { Endpoint } from './http-client.js';
import { LANGS, type Lang } from './i18n.js';
import { defaultSource, isMetricsSource, type Metrics } from './metrics-source.js';
import { PeriodError, resolvePeriod, type PeriodKind } from './period.js';
import { parseScope, ScopeError } from './scope.js';

export const EXIT_NO_DATA = 3;

const USAGE = `usage: ussdwatch report [build] [options]
       ussdwatch report serve --config FILE [--web.config.file FILE]

Builds a PDF and an Excel workbook for a period from Prometheus or the long-term store
(any PromQL API) and the notifier's incidents. \`serve\` runs the schedule (reports/README.md).

period (Africa/Algiers time; the last complete one when --date is absent):
  --period day|week|month   a day, a week (ISO: Monday to Sunday) or a month (default: day)
  --date DATE               a day in it (2026-11-28), the month (2026-11), the ISO week
                            (2026-W48), or today (the period running now, up to now)
  --week 2026-W48           an ISO week (the same as --period week --date 2026-W48)
  --week-start DAY          the first day of a --period week (default: monday, the ISO
                            week; sunday for the Sunday-to-Saturday working week)
  --from TIME --to TIME     any range instead: 2026-11-28T07:00 (Algiers) or ISO 8601
options:
  --scope all|team:NAME|code:CODE   which short codes (default: all)
  --lang fr|en              language (default: fr)
  --out DIR                 where the PDF and the .xlsx go (default: .)
  --prometheus URL          default: $USSDWATCH_PROMETHEUS_URL, else http://127.0.0.1:9090
  --prometheus.token-file FILE      bearer token
  --prometheus.user USER --prometheus.password-file FILE   basic auth
  --prometheus.ca-file FILE         CA of Prometheus's certificate (https)
  --longterm URL            the long-term store (VictoriaMetrics, docs/ha.md), default:
                            $USSDWATCH_LONGTERM_URL, else none
  --longterm.token-file, --longterm.user, --longterm.password-file, --longterm.ca-file
                            as for --prometheus
  --source prometheus|longterm      where the numbers come from (default: longterm for a
                            --period month when a store is given, else prometheus)
  --notifier URL            default: $USSDWATCH_NOTIFIER_URL, else http://127.0.0.1:9717
  --notifier.token-file FILE, --notifier.ca-file FILE
  -h, --help                this help

exit status: 0 built, 2 bad usage, 3 no data for the period and scope, 1 a source could not
be reached (retry later).
`;

const OPTIONS = {
  period: { type: 'string' },
  date: { type: 'string' },
  week: { type: 'string' },
  'week-start': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  scope: { type: 'string', default: 'all' },
  lang: { type: 'string', default: 'fr' },
  out: { type: 'string', default: '.' },
  prometheus: { type: 'string' },
  'prometheus.token-file': { type: 'string' },
  'prometheus.user': { type: 'string' },
  'prometheus.password-file': { type: 'string' },
  'prometheus.ca-file': { type: 'string' },
  longterm: { type: 'string' },
  'longterm.token-file': { type: 'string' },
  'longterm.user': { type: 'string' },
  'longterm.password-file': { type: 'string' },
  'longterm.ca-file': { type: 'string' },
  source: { type: 'string' },
  notifier: { type: 'string' },
  'notifier.token-file': { type: 'string' },
  'notifier.ca-file': { type: 'string' },
} as const;

const secret = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file, 'utf8').trim());

export function parseLang(v: string): Lang {
  if (!(LANGS as readonly string[]).includes(v)) throw new UsageError(`--lang ${v}: expected ${LANGS.join(' or ')}`);
  return v as Lang;
}

/** A PromQL API from its options: --NAME URL, --NAME.token-file, --NAME.user... */
function promqlEndpoint(values: Record<string, string | undefined>, name: Metrics['source'], url: string): Endpoint {
  const user = values[`${name}.user`];
  return {
    url,
    bearerToken: secret(values[`${name}.token-file`]),
    basicAuth: user === undefined ? undefined : { username: user, password: secret(values[`${name}.password-file`]) ?? '' },
    ca: secret(values[`${name}.ca-file`]),
  };
}

/** Where the numbers come from: --source, else the store for a month when one is given, else Prometheus. */
export function metricsOf(values: Record<string, string | undefined>, kind: PeriodKind, env: NodeJS.ProcessEnv = process.env): Metrics {
  const longtermUrl = values.longterm ?? env.USSDWATCH_LONGTERM_URL;
  const asked = values.source;
  if (asked !== undefined && !isMetricsSource(asked)) throw new UsageError(`--source ${asked}: expected prometheus or longterm`);
  const source = asked ?? defaultSource(kind, Boolean(longtermUrl));
  if (source === 'prometheus') return { source, endpoint: promqlEndpoint(values, source, values.prometheus ?? (env.USSDWATCH_PROMETHEUS_URL || 'http://127.0.0.1:9090')) };
  if (!longtermUrl) throw new UsageError('--source longterm: no long-term store given; add --longterm URL (or set $USSDWATCH_LONGTERM_URL), or use --source prometheus');
  return { source, endpoint: promqlEndpoint(values, source, longtermUrl) };
}

async function build(values: Record<string, string | undefined>): Promise<number> {
  let period, scope, lang: Lang;
  try {
    period = resolvePeriod(values, Date.now());
    scope = parseScope(values.scope ?? 'all');
    lang = parseLang(values.lang ?? 'fr');
  } catch (err) {
    if (err instanceof PeriodError || err instanceof ScopeError) throw new UsageError(err.message);
    throw err;
  }
  const metrics = metricsOf(values, period.kind);
  const notifier: Endpoint = {
    url: values.notifier ?? (process.env.USSDWATCH_NOTIFIER_URL || 'http://127.0.0.1:9717'),
    bearerToken: secret(values['notifier.token-file']),
    ca: secret(values['notifier.ca-file']),
  };
  try {
    const built = await buildReport({ metrics, notifier }, { period, scope, lang, outDir: resolve(values.out ?? '.') });
    for (const w of built.warnings) process.stderr.write(`ussdwatch report: note: ${w}\n`);
    process.stdout.write(`${built.pdf}\n${built.xlsx}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`ussdwatch report: cannot build the report for ${period.id}: ${(err as Error).message}\n`);
    return err instanceof NoDataError ? EXIT_NO_DATA : 1;
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'serve') return (await import('./serve.js')).serveCommand(argv.slice(1));
  const args = argv[0] === 'build' ? argv.slice(1) : argv;
  return runCommand({ program: 'ussdwatch report', usage: USAGE, options: OPTIONS }, args, ({ values }) => build(values));
}
