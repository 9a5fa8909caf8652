import React from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, useStyles2 } from '@grafana/ui';
import { locationService } from '@grafana/runtime';
import { causeColour, causeSentence } from '../queries/causes.js';
import type { CauseCount } from '../data/cause-counts.js';
import { count } from './format.js';

// Wrapping buttons rather than a RadioButtonGroup: that one cuts long labels
// ("internal / app_timeo…") and with them the counts.
const getStyles = (theme: GrafanaTheme2) => ({
  group: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) }),
  option: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    whiteSpace: 'nowrap',
    padding: theme.spacing(0.5, 1.5),
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    color: theme.colors.text.primary,
    cursor: 'pointer',
  }),
  selected: css({ borderColor: theme.colors.primary.border, background: theme.colors.action.selected, fontWeight: theme.typography.fontWeightMedium }),
  swatch: css({ width: 12, height: 12, borderRadius: 2, flex: 'none' }),
});

/** The causes seen in the range, each in its colour with its count; the chosen one goes to the URL (`cause=`). */
export function CausePicker({ counts, selected }: { counts: CauseCount[]; selected?: string }) {
  const s = useStyles2(getStyles);
  const present = counts.filter((c) => c.count > 0);
  if (present.length === 0) return <Alert severity="success" title="No errors">No user or internal error for this code in the range.</Alert>;
  return (
    <div role="radiogroup" aria-label="Cause" className={s.group}>
      {present.map((c) => (
        <button
          key={c.cause}
          type="button"
          role="radio"
          aria-checked={c.cause === selected}
          title={causeSentence(c.cause)}
          className={cx(s.option, c.cause === selected && s.selected)}
          onClick={() => locationService.partial({ cause: c.cause })}
        >
          <span className={s.swatch} style={{ background: causeColour(c.cause) }} />
          {`${c.cls} / ${c.cause}: ${count(c.count)}`}
        </button>
      ))}
    </div>
  );
}
