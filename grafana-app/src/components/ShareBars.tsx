import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { count, pct } from './format.js';

export interface ShareBar {
  key: string;
  title: string;
  count: number;
  /** A hex colour from @ussdwatch/common/colours.js. */
  color: string;
}

// One grid for all bars: the titles share a column, so every bar starts at the same x and
// their lengths compare; titles and values take the width they need, never cut.
const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({ display: 'grid', gridTemplateColumns: 'max-content minmax(120px, 1fr) max-content', columnGap: theme.spacing(1.5), rowGap: theme.spacing(0.5), alignItems: 'center', marginBottom: theme.spacing(2) }),
  title: css({ whiteSpace: 'nowrap' }),
  track: css({ background: theme.colors.background.secondary, borderRadius: theme.shape.radius.default, overflow: 'hidden' }),
  value: css({ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums', textAlign: 'right' }),
});

/** One horizontal bar per part of a whole: its share and its count. */
export function ShareBars({ bars, height = 20, testId }: { bars: ShareBar[]; height?: number; testId?: string }) {
  const s = useStyles2(getStyles);
  const total = bars.reduce((a, b) => a + b.count, 0);
  return (
    <div className={s.grid} data-testid={testId}>
      {bars.map((b) => {
        const share = total > 0 ? b.count / total : 0;
        return (
          <React.Fragment key={b.key}>
            <span className={s.title}>
              <span style={{ color: b.color }}>■</span> {b.title}
            </span>
            <div className={s.track} style={{ height }}>
              <div data-testid="share-bar" data-key={b.key} style={{ width: `${share * 100}%`, height: '100%', background: b.color }} />
            </div>
            <span className={s.value}>
              {pct(share)} ({count(b.count)})
            </span>
          </React.Fragment>
        );
      })}
    </div>
  );
}
