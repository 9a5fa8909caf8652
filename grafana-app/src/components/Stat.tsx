import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

const getStyles = (theme: GrafanaTheme2) => ({
  row: css({ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(180px, 1fr))', gap: theme.spacing(2), marginBottom: theme.spacing(2) }),
  tile: css({ background: theme.colors.background.secondary, borderRadius: theme.shape.radius.default, padding: theme.spacing(2) }),
  label: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  value: css({ fontSize: theme.typography.h2.fontSize, fontWeight: theme.typography.fontWeightMedium }),
  hint: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});

export function StatRow({ children }: { children: React.ReactNode }) {
  return <div className={useStyles2(getStyles).row}>{children}</div>;
}

/** `color`: the value's, for a figure with colour bands (a health score). */
export function Stat({ label, value, hint, testId, color }: { label: string; value: string; hint?: string; testId?: string; color?: string }) {
  const s = useStyles2(getStyles);
  return (
    <div className={s.tile} data-testid={testId}>
      <div className={s.label}>{label}</div>
      <div className={s.value} style={color ? { color } : undefined}>
        {value}
      </div>
      {hint && <div className={s.hint}>{hint}</div>}
    </div>
  );
}
