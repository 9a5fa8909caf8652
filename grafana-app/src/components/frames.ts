// Series -> Grafana DataFrames ready for @grafana/ui charts (display processors set,
// as a panel's field-override pass would).
import { createDataFrame, FieldType, getDisplayProcessor, type DataFrame, type GrafanaTheme2 } from '@grafana/data';
import type { Series } from '../data/prom-result.js';

export interface SeriesStyle {
  name: string;
  color?: string;
  unit?: string;
  /** Dashed: for a reference line (DPSS, a threshold) beside our own series. */
  dashed?: boolean;
}

export function toFrames(series: Series[], styleOf: (s: Series) => SeriesStyle, theme: GrafanaTheme2): DataFrame[] {
  return series.map((s, i) => {
    const style = styleOf(s);
    const frame = createDataFrame({
      name: style.name,
      fields: [
        { name: 'Time', type: FieldType.time, values: s.times, config: {} },
        {
          name: style.name,
          type: FieldType.number,
          values: s.values.map((v) => (Number.isFinite(v) ? v : null)),
          labels: s.labels,
          config: {
            displayName: style.name,
            unit: style.unit,
            color: style.color ? { mode: 'fixed', fixedColor: style.color } : { mode: 'palette-classic' },
            custom: {
              drawStyle: 'line',
              lineWidth: 2,
              fillOpacity: style.dashed ? 0 : 10,
              // Grafana's default: points only where the series is too sparse for a line.
              showPoints: 'auto',
              spanNulls: true,
              lineStyle: style.dashed ? { fill: 'dash', dash: [10, 10] } : { fill: 'solid' },
            },
          },
        },
      ],
    });
    for (const f of frame.fields) f.display = getDisplayProcessor({ field: f, theme });
    // One frame per series: without an index every palette colour would be the first.
    frame.fields[1].state = { ...frame.fields[1].state, seriesIndex: i };
    return frame;
  });
}
