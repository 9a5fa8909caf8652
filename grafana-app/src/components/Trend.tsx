import React from 'react';
import { createDataFrame, FieldType } from '@grafana/data';
import { Sparkline, useTheme2 } from '@grafana/ui';
import type { Series } from '../data/prom-result.js';
import { DASH } from './format.js';

/** A table-cell sparkline of one series. */
export function Trend({ series, color = 'red' }: { series?: Series; color?: string }) {
  const theme = useTheme2();
  if (!series || series.times.length < 2) return <span>{DASH}</span>;
  const frame = createDataFrame({
    fields: [
      { name: 'time', type: FieldType.time, values: series.times },
      { name: 'value', type: FieldType.number, values: series.values.map((v) => (Number.isFinite(v) ? v : 0)), config: { min: 0 } },
    ],
  });
  const y = frame.fields[1];
  // Inside a panel Grafana's field-display pass sets the range; a table cell has none.
  const max = Math.max(...(y.values as number[]), 0) || 1;
  y.state = { range: { min: 0, max, delta: max } };
  return (
    <Sparkline
      theme={theme}
      width={140}
      height={28}
      sparkline={{ x: frame.fields[0], y }}
      config={{ color: { mode: 'fixed', fixedColor: color }, custom: { fillOpacity: 20, lineWidth: 1 } }}
    />
  );
}
