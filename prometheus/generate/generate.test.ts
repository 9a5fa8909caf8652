// The generator against the committed files, its YAML against a YAML reader, and
// slo.yaml's mistakes against the messages an operator reads.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '@ussdwatch/common/config-file.js';
import { generatedFiles, ruleFiles, SLO_FILE, stalePaths } from './generate.js';
import { renderRuleFile } from './rule-file.js';
import { readSlo } from './slo.js';

const root = resolve(import.meta.dirname, '../..');
const committed = (path: string) => (existsSync(resolve(root, path)) ? readFileSync(resolve(root, path), 'utf8') : undefined);
const sloText = committed(SLO_FILE)!;
const sloFrom = (text: string) => readSlo(parseYaml(text, SLO_FILE));
const slo = sloFrom(sloText);
const generate = (s = slo) => generatedFiles(s, (path) => committed(path) ?? '');

describe('files generated from prometheus/slo.yaml', () => {
  it('the committed rule files and tables are what `npm run rules` writes', () => {
    expect(stalePaths(generate(), committed), 'run `npm run rules` and commit what it writes').toEqual([]);
  });

  it('names the file whose committed text drifted from slo.yaml', () => {
    const edited = (path: string) => {
      const text = committed(path);
      return path === 'prometheus/rules/shortcode-errors.yml' ? text?.replace('> 14.4', '> 14') : text;
    };
    expect(stalePaths(generate(), edited)).toEqual(['prometheus/rules/shortcode-errors.yml']);
  });

  it('carries a threshold changed in slo.yaml into the rule, the description and the tables', () => {
    const files = generate(sloFrom(sloText.replace('{1m: 14.4, 5m: 6}', '{1m: 10, 5m: 6}')));
    expect(stalePaths(files, committed).sort()).toEqual([
      'docs/runbooks/ShortCodeInternalErrors.md',
      'prometheus/README.md',
      'prometheus/rules/shortcode-errors.yml',
    ]);
    const rules = files.get('prometheus/rules/shortcode-errors.yml')!;
    expect(rules).toContain('ussd_shortcode:internal_error_burn:rate1m > 10\n');
    expect(rules.replace(/\n\s+/g, ' ')).toContain('tier 3 = 10x over 1m and 6x over 5m for 30s');
    expect(files.get('docs/runbooks/ShortCodeInternalErrors.md')).toContain('| 3 (critical) | 10x over 1m and 6x over 5m | 30s |');
  });

  it('records every window slo.yaml names, and no other file needs to change for it', () => {
    const files = generate(sloFrom(sloText.replace('{5m: 3, 30m: 3}', '{5m: 3, 2h: 3}')));
    const rules = files.get('prometheus/rules/shortcode-errors.yml')!;
    for (const name of ['ussd_shortcode_class:dialogs:rate2h', 'ussd_shortcode:internal_error_ratio:rate2h', 'ussd_shortcode:internal_error_burn:rate2h']) {
      expect(rules).toContain(`record: ${name}\n`);
    }
    expect(files.get('prometheus/rules/slo.yml')).toContain('record: slo:sli_error:ratio_rate2h\n');
  });

  it('carries the band and the score settings into their rules', () => {
    const files = generate(sloFrom(sloText.replace('weeks: 4', 'weeks: 2').replace('zero_at_burn: 6', 'zero_at_burn: 11')));
    const anomaly = files.get('prometheus/rules/shortcode-anomaly.yml')!;
    expect(anomaly).toContain('offset 335h30m');
    expect(anomaly).not.toContain('offset 503h30m');
    expect(files.get('prometheus/rules/shortcode-health.yml')).toContain('(11 - ussd_shortcode:internal_error_ratio:rate1h / ussd_shortcode:error_budget:ratio) / 10');
  });

  it('writes YAML that reads back as the rules it was built from', () => {
    for (const file of ruleFiles(slo)) {
      const groups = file.groups.map((g) => ({ ...g, rules: g.rules.map(({ comment: _, ...rule }) => rule) }));
      expect(parse(renderRuleFile(file)), file.path).toEqual({ groups });
    }
  });

  it('links every alert to its runbook page, and every page exists', () => {
    const alerts = ruleFiles(slo).flatMap((f) => f.groups.flatMap((g) => g.rules.filter((r) => 'alert' in r)));
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      expect(a.annotations.runbook_url).toBe(`{{ $externalLabels.runbook_base }}/${a.alert}.md`);
      expect(existsSync(resolve(root, 'docs/runbooks', `${a.alert}.md`)), a.alert).toBe(true);
    }
  });
});

describe('prometheus/slo.yaml mistakes name the file, the line, the key and the fix', () => {
  /** The message for slo.yaml with one edit, and the line the edit is on. */
  function mistake(from: string, to: string): { message: string; line: number } {
    const at = sloText.indexOf(from);
    expect(at).toBeGreaterThanOrEqual(0);
    const text = sloText.replace(from, to);
    const line = sloText.slice(0, at).split('\n').length;
    try {
      sloFrom(text);
    } catch (err) {
      return { message: (err as Error).message, line };
    }
    return { message: 'no error', line };
  }

  it.each([
    ['for: 30s', 'for: 30 seconds', 'internal_errors.tiers[0].for: expected a duration of one unit such as 45s, 5m, 6h or 28d; got "30 seconds"'],
    ['{1m: 14.4, 5m: 6}', '{1m: fast, 5m: 6}', 'internal_errors.tiers[0].burn[0].1m: expected a number above 0 and at most 1000; got "fast"'],
    ['{1m: 0.05, 5m: 0.01}', '{1m: 5, 5m: 0.01}', 'causes.app_timeout.ratio.1m: expected a number above 0 and at most 1; got 5'],
    ['default_objective: 0.99', 'default_objectve: 0.99', 'internal_errors.default_objectve: unknown key; allowed keys here: default_objective, tiers'],
    ['objective: 0.95', 'objective: 0.955', 'latency.objective: expected a whole percent such as 0.95 or 0.99 (it names the percentile p95, p99); got 0.955'],
    ['- tier: 2', '- tier: 3', 'internal_errors.tiers[1].tier: tier 3 is listed twice; keep one'],
    ['{tier: 2, above: 2, for: 2m}', '{tier: 4, above: 2, for: 2m}', 'latency.tiers[1].tier: expected tier 1 (email), 2 (SMS) or 3 (critical); got 4'],
    ['min_weeks: 1', 'min_weeks: 5', 'anomaly.min_weeks: expected an integer from 1 to 4; got 5'],
    ['{tier: 1, below: 50, for: 30m}', '{tier: 1, below: 150, for: 30m}', 'health.alert.below: expected a number from 0 to 100; got 150'],
  ])('%s -> %s', (from, to, problem) => {
    const { message, line } = mistake(from, to);
    expect(message).toBe(`prometheus/slo.yaml:${line}: ${problem}`);
  });

  it('a YAML syntax error names its line', () => {
    const { message, line } = mistake('period: 28d', 'period: 28d\nperiod: 7d');
    expect(message).toBe(`prometheus/slo.yaml:${line + 1}: (syntax): Map keys must be unique; fix the YAML syntax`);
  });

  it('a missing section names what is required', () => {
    expect(() => sloFrom('period: 28d\n')).toThrow('prometheus/slo.yaml:1: internal_errors: missing; this key is required');
  });
});
