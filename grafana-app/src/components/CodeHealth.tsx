// The short-code page's health: the score with its four parts (so a low score says why),
// and the seasonal bands drawn around the code's traffic and internal-error ratio.
import React from 'react';
import { Alert } from '@grafana/ui';
import { hasBand, healthView, PART_WORDS } from '../data/health.js';
import { byLabel } from '../data/prom-result.js';
import { CLASS_COLOURS, healthBand } from '../queries/causes.js';
import { INSTANT, SERIES } from '../queries/promql.js';
import { Chart } from './Chart.js';
import { DASH } from './format.js';
import { LoadedView } from './Loaded.js';
import { usePage } from './page-context.js';
import { Section } from './Section.js';
import { Stat, StatRow } from './Stat.js';
import { useLoad } from './useLoad.js';

const NO_SCORE = 'No health score: are prometheus/rules/shortcode-health.yml loaded in Prometheus?';
const NO_BAND = 'No band yet: a band needs a week of history (the same hour of past weeks).';
/** The band in a neutral grey, the measured series in its class's colour. */
const BAND_GREY = '#8E8E8E';

const score = (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : DASH);

export function CodeHealth({ code }: { code: string }) {
  const { api, params: p, fromS, toS, step, refreshKey } = usePage();
  const deps = [p.code, p.range, p.window, toS, refreshKey];
  const health = useLoad(async () => {
    const [s, parts] = await Promise.all([api.instant(INSTANT.codeHealth(), toS), api.instant(INSTANT.codeHealthParts(p), toS)]);
    return healthView(byLabel(s, 'short_code').get(code), byLabel(parts, 'part'));
  }, deps);
  const bands = useLoad(async () => {
    const [traffic, internal] = await Promise.all([api.range(SERIES.codeTrafficBand(p), fromS, toS, step), api.range(SERIES.codeInternalRatioBand(p), fromS, toS, step)]);
    return { traffic, internal };
  }, deps);
  const styleOf = (colour: string, unit: string) => (x: { labels: Record<string, string> }) => {
    const name = x.labels.series ?? '';
    return { name, unit, color: name === 'now' ? colour : BAND_GREY, dashed: name !== 'now' };
  };

  return (
    <>
      <Section title="Health (end of range)" testId="health">
        <LoadedView state={health} isEmpty={(h) => !Number.isFinite(h.score)} empty={NO_SCORE}>
          {(h) => (
            <StatRow>
              <Stat
                testId="health-score"
                label="Health score (worst part)"
                value={score(h.score)}
                color={healthBand(h.score)?.color}
                hint={h.worst ? `${healthBand(h.score)?.label ?? ''}: lowest part ${PART_WORDS[h.worst].label.toLowerCase()}` : healthBand(h.score)?.label}
              />
              {h.parts.map(({ part, value }) => (
                <Stat key={part} testId={`health-part-${part}`} label={PART_WORDS[part].label} value={score(value)} color={healthBand(value)?.color} hint={PART_WORDS[part].hint} />
              ))}
            </StatRow>
          )}
        </LoadedView>
      </Section>
      <Section title="Traffic against its seasonal band (dialogs per second, 5-minute rate)" testId="traffic-band">
        <LoadedView state={bands} empty="">
          {(b) => (
            <>
              {b.traffic.length > 0 && !hasBand(b.traffic) && <Alert severity="info" title={NO_BAND} />}
              <Chart series={b.traffic} empty={`No dialog for ${code} in this range.`} styleOf={styleOf(CLASS_COLOURS.ok, 'reqps')} />
            </>
          )}
        </LoadedView>
      </Section>
      <Section title="Internal-error ratio against its seasonal band (5-minute ratio)" testId="internal-band">
        <LoadedView state={bands} empty="">
          {(b) => <Chart series={b.internal} height={180} empty={`No internal error for ${code} in this range.`} styleOf={styleOf(CLASS_COLOURS.internal, 'percentunit')} />}
        </LoadedView>
      </Section>
    </>
  );
}

