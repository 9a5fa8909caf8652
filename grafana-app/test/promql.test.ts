import { describe, expect, it } from 'vitest';
import { INSTANT, queryParams, SERIES, stepFor, str } from '../src/queries/promql.js';

describe('query builders', () => {
  const p = queryParams(1_000_000, 1_003_600, '*710#', 'app_timeout');

  it('summarises the chosen range and rates over a window of several steps', () => {
    expect(p.range).toBe('3600s');
    expect(stepFor(3600)).toBe(30);
    expect(p.window).toBe('120s');
    expect(queryParams(0, 30).range).toBe('60s');
    expect(queryParams(0, 7 * 86400).window).toBe(`${4 * stepFor(7 * 86400)}s`);
  });

  it('quotes label values so a hostile value cannot escape the selector', () => {
    expect(str('*710#')).toBe('"*710#"');
    expect(str('a"} or vector(1) #')).toBe('"a\\"} or vector(1) #"');
    expect(str('back\\slash')).toBe('"back\\\\slash"');
  });

  it('reads success from the recording rules that define it, weighted by traffic over the range', () => {
    expect(INSTANT.successRatio(p)).toBe(
      'sum(avg_over_time(ussd_shortcode:good_dialogs:rate5m[3600s])) / sum(avg_over_time(ussd_shortcode:valid_dialogs:rate5m[3600s]))',
    );
  });

  it('scopes short-code queries to the code and typo queries to near_code', () => {
    expect(INSTANT.codeCauses(p)).toContain('ussd_errors_total{short_code="*710#"}');
    expect(INSTANT.codeTypos(p)).toContain('ussd_wrong_code_total{near_code="*710#"}');
    // Unanswered dialogs (app_timeout) join the +Inf bucket: a code that stopped answering is not fast.
    expect(SERIES.codeP95(p)).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(ussd_app_response_seconds_bucket{short_code="*710#"}[120s]) or label_replace(rate(ussd_errors_total{cause="app_timeout", short_code="*710#"}[120s]), "le", "+Inf", "", "")))',
    );
    expect(INSTANT.codeP95(p)).toBe(
      'histogram_quantile(0.95, sum by (short_code, le) (rate(ussd_app_response_seconds_bucket{}[3600s]) or label_replace(rate(ussd_errors_total{cause="app_timeout"}[3600s]), "le", "+Inf", "", "")))',
    );
    expect(SERIES.codeNoAnswerRatio(p)).toContain('ussd_errors_total{cause="app_timeout", short_code="*710#"}');
    expect(SERIES.causeByCodeRate(p)).toContain('{cause="app_timeout"}');
  });
});
