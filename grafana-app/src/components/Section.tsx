import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

const getStyles = (theme: GrafanaTheme2) => css({ marginBottom: theme.spacing(3) });

/** A titled block of a page; the test id lets the browser test find it. */
export function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className={useStyles2(getStyles)} data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}
