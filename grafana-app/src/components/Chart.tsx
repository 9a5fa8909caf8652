import React, { useEffect, useRef, useState } from 'react';
import { TimeSeries, useTheme2 } from '@grafana/ui';
import { LegendDisplayMode } from '@grafana/schema';
import type { Series } from '../data/prom-result.js';
import { toFrames, type SeriesStyle } from './frames.js';
import { usePage } from './page-context.js';
import { Empty } from './Loaded.js';

/** Width of the element, following resizes: uPlot needs pixels. */
export function useWidth(): [React.RefObject<HTMLDivElement>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    ro.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

interface Props {
  series: Series[];
  styleOf: (s: Series) => SeriesStyle;
  height?: number;
  empty: React.ReactNode;
  testId?: string;
}

export function Chart({ series, styleOf, height = 240, empty, testId }: Props) {
  const theme = useTheme2();
  const { range } = usePage();
  const [ref, width] = useWidth();
  const frames = toFrames(series, styleOf, theme);
  return (
    <div ref={ref} data-testid={testId}>
      {series.length === 0 ? (
        <Empty>{empty}</Empty>
      ) : (
        width > 0 && (
          <TimeSeries
            frames={frames}
            width={width}
            height={height}
            timeRange={range}
            timeZone="browser"
            legend={{ showLegend: true, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] }}
          />
        )
      )}
    </div>
  );
}
