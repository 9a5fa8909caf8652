import React from 'react';
import { BarGauge, useTheme2 } from '@grafana/ui';
import { BarGaugeDisplayMode, VizOrientation } from '@grafana/schema';
import { useWidth } from './Chart.js';
import { count, pct } from './format.js';

export interface ShareBar {
  key: string;
  title: string;
  count: number;
  /** A Grafana colour name ("green", "red"). */
  color: string;
}

/** One horizontal bar per part of a whole: its share and its count. */
export function ShareBars({ bars, height = 26, testId }: { bars: ShareBar[]; height?: number; testId?: string }) {
  const theme = useTheme2();
  const [ref, width] = useWidth();
  const total = bars.reduce((a, b) => a + b.count, 0);
  return (
    <div ref={ref} data-testid={testId} style={{ marginBottom: 16 }}>
      {width > 0 &&
        bars.map((b) => {
          const share = total > 0 ? b.count / total : 0;
          return (
            <BarGauge
              key={b.key}
              theme={theme}
              width={width}
              height={height}
              field={{ min: 0, max: 1 }}
              value={{ numeric: share, text: `${pct(share)} (${count(b.count)})`, title: b.title, color: theme.visualization.getColorByName(b.color) }}
              orientation={VizOrientation.Horizontal}
              displayMode={BarGaugeDisplayMode.Basic}
            />
          );
        })}
    </div>
  );
}
