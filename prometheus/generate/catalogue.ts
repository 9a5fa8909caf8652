// One catalogue entry per code, for every rule that joins the catalogue to name the owning
// team: while the exporters' copies disagree on a code, a join over the raw series fails for
// every code, not only the drifted one (prometheus/README.md, "Several exporters").
import type { RecordingRule } from './rule-file.js';

export const CATALOGUE_ENTRY = 'ussd_shortcode:info:one';

/** First in the ussd-shortcode-errors group (errors-rules.ts); its comment says what it keeps and why. */
export const catalogueEntryRule: RecordingRule = {
  comment: [
    '--- one catalogue entry per code, for the joins that name the owning team ---',
    'Exporters on several nodes expose their own copies of the catalogue: while the copies',
    "disagree on a code, a join over ussd_shortcode_info would find two entries for it and fail",
    'for every code. This keeps the entry most exporters carry; on a tie, the entry of the',
    'exporter that loaded its configuration last (the load time, scaled under 1, only breaks',
    'ties). UssdwatchCatalogueDrift reports the disagreement. First in the first group, so the',
    "alerts of this group read it fresh and the other groups' at most one evaluation old.",
  ].join('\n'),
  record: CATALOGUE_ENTRY,
  expr: [
    '0 * topk by (short_code) (1,',
    '    count by (short_code, name, team) (ussd_shortcode_info)',
    '  + max by (short_code, name, team) (',
    '        ussd_shortcode_info * on (job, instance) group_left () ussdwatch_config_last_reload_success_timestamp_seconds',
    '      or 0 * ussd_shortcode_info',
    '    ) / 1e10',
    ') + 1',
  ].join('\n'),
};
