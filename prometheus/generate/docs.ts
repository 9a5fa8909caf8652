// The thresholds as the README and the runbooks show them: tables written between markers,
//   <!-- generated from prometheus/slo.yaml: NAME -->
//   ...
//   <!-- end of NAME -->
// so that no page restates a number by hand.
import { JUDGED } from './anomaly-rules.js';
import { REPORTED } from './errors-rules.js';
import { CAUSES, type Cause, type Slo } from './slo.js';
import { anyOf, conditions, countIn, factor, percent, percentile } from './wording.js';

/** Each page and the blocks it shows. */
export const PAGES: Record<string, string[]> = {
  'prometheus/README.md': ['objectives', 'internal-errors', 'latency', 'causes', 'anomaly', 'health'],
  'docs/anomaly.md': ['anomaly', 'health'],
  'docs/runbooks/ShortCodeTrafficDrop.md': ['anomaly'],
  'docs/runbooks/ShortCodeTrafficSpike.md': ['anomaly'],
  'docs/runbooks/ShortCodeHealthLow.md': ['health'],
  'docs/runbooks/ShortCodeInternalErrors.md': ['internal-errors'],
  'docs/runbooks/ShortCodeSlow.md': ['latency'],
  'docs/runbooks/ShortCodeAppTimeouts.md': ['cause-app_timeout'],
  'docs/runbooks/ShortCodeRoutingBroken.md': ['cause-routing'],
};

const CAUSE_ALERT: Record<Cause, string> = { app_timeout: 'ShortCodeAppTimeouts', routing: 'ShortCodeRoutingBroken' };

/** Who a tier reaches (alertmanager/alertmanager.yml routes on `tier`). */
const TIER = { 1: '1 (email)', 2: '2 (SMS)', 3: '3 (critical)' } as const;

export function blocks(slo: Slo): Record<string, string> {
  const ie = slo.internalErrors;
  const lat = slo.latency;
  const causeRows = (causes: readonly Cause[]) =>
    causes.map((c) => {
      const a = slo.causes[c];
      return [`\`${CAUSE_ALERT[c]}\``, TIER[a.tier], conditions(a.ratio, percent), a.for.text, countIn(a.minErrors, `\`${c}\` errors`)];
    });
  const causeHeader = ['alert', 'tier', 'share of the dialogs over', 'held', 'minimum'];
  return {
    objectives: [
      table(
        ['objective', 'target', 'error ratio (what spends the budget)'],
        [
          [
            'internal errors',
            `each code's \`ussd_shortcode_objective_ratio\` (from the catalogue); ${percent(ie.defaultObjective)} where the exporter publishes none`,
            'internal errors over all dialogs (a user error counts as a dialog, never as a failure): `ussd_shortcode:internal_error_ratio:rate<window>`',
          ],
          [
            'latency',
            `${percent(lat.objective)} of application responses no slower than the code's slow threshold (p${percentile(lat.objective)} under it)`,
            `responses slower than the threshold: \`ussd_shortcode:app_response_slow_ratio:rate${REPORTED.text}\``,
          ],
        ],
      ),
      '',
      `Both are also recorded under sloth's names (\`rules/slo.yml\`) over a ${slo.period.text} period.`,
    ].join('\n'),
    'internal-errors': table(
      ['tier', 'the budget burns faster than', 'held', 'minimum'],
      ie.tiers.map((t) => [TIER[t.tier], anyOf(t.burn, factor), t.for.text, countIn(t.minErrors, 'internal errors')]),
    ),
    latency: table(
      ['tier', `p${percentile(lat.objective)} over ${REPORTED.text} above`, 'held', 'minimum'],
      lat.tiers.map((t) => [TIER[t.tier], t.above === 1 ? "the code's slow threshold" : `${t.above} times the code's slow threshold`, t.for.text, countIn(lat.minResponses, 'responses')]),
    ),
    causes: table(causeHeader, causeRows(CAUSES)),
    anomaly: anomalyTable(slo),
    health: healthTable(slo),
    ...Object.fromEntries(CAUSES.map((c) => [`cause-${c}`, table(causeHeader, causeRows([c]))])),
  };
}

function anomalyTable(slo: Slo): string {
  const a = slo.anomaly;
  const t = a.trafficBand;
  const e = a.errorRatioBand;
  const expected = `median of the same hour (mean over ${a.window.text}) 1 to ${a.weeks} weeks back, from ${a.minWeeks} week${a.minWeeks > 1 ? 's' : ''} of history`;
  return [
    table(
      ['band', 'expected', 'half-width: the widest of'],
      [
        ['traffic (dialogs/s)', expected, `${t.mads} x 1.4826 x MAD, ${percent(t.floor)} of expected, ${t.noise} Poisson sd over ${JUDGED.text}`],
        ['internal and user error ratios', expected, `${e.mads} x 1.4826 x MAD, ${percent(e.floor)} (points), ${e.noise} binomial sd over ${JUDGED.text}`],
      ],
    ),
    '',
    table(
      ['alert', 'tier', `${JUDGED.text} rate`, 'held', 'watched'],
      [
        ['`ShortCodeTrafficDrop`', TIER[a.drop.tier], 'under the band', a.drop.for.text, `expected at least ${a.drop.minExpected} dialogs/s`],
        ['`ShortCodeTrafficSpike`', TIER[a.spike.tier], 'over the band', a.spike.for.text, `at least ${a.spike.minRate} dialogs/s`],
      ],
    ),
  ].join('\n');
}

function healthTable(slo: Slo): string {
  const h = slo.health;
  const z = h.zeroAtBurn;
  return [
    table(
      ['part', '100', '0', 'without data'],
      [
        ['`errors`', `internal-error budget burning at 1x or less over ${h.window.text}`, `${z}x`, '100'],
        ['`latency`', `slow responses at 1x or less of the ${percent(1 - slo.latency.objective)} allowed, over ${h.window.text}`, `${z}x`, '100'],
        ['`anomaly`', 'inside every band', `${h.anomalyZeroAt} half-widths outside (traffic either way, error ratios upwards)`, '100 (warm-up)'],
        ['`incident`', 'no incident on the code', `open: ${h.incident.open}, acknowledged: ${h.incident.acknowledged}`, '100 (no notifier)'],
      ],
    ),
    '',
    `Score: the worst part. \`ShortCodeHealthLow\`, tier ${TIER[h.alert.tier]}: a score under ${h.alert.below} for ${h.alert.for.text}.`,
  ].join('\n');
}

function table(header: string[], rows: string[][]): string {
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** A page that cannot take its tables: said without a stack trace, like a ConfigError. */
export class PageError extends Error {}

const MARKER = /<!-- generated from prometheus\/slo\.yaml: ([\w-]+) -->\n[\s\S]*?<!-- end of \1 -->/g;

/** The page with each of its blocks rewritten; a block the page should show but lacks is an error. */
export function fillPage(path: string, markdown: string, wanted: readonly string[], all: Record<string, string>): string {
  const found = new Set<string>();
  const out = markdown.replace(MARKER, (_, name: string) => {
    if (!(name in all)) throw new PageError(`${path}: unknown generated block "${name}"; known: ${Object.keys(all).join(', ')}`);
    found.add(name);
    return `<!-- generated from prometheus/slo.yaml: ${name} -->\n${all[name]}\n<!-- end of ${name} -->`;
  });
  const missing = wanted.filter((n) => !found.has(n));
  if (missing.length) {
    throw new PageError(`${path}: no place for ${missing.join(', ')}; add "<!-- generated from prometheus/slo.yaml: NAME -->" and "<!-- end of NAME -->" lines where each table goes`);
  }
  return out;
}
