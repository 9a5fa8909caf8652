import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { usePage } from './page-context.js';

const getStyles = (theme: GrafanaTheme2) => css({ color: theme.colors.text.link, '&:hover': { textDecoration: 'underline' } });

/**
 * An in-app link: a real href (open in a new tab works) navigated without a reload.
 * A plain anchor: @grafana/ui's links need Grafana's router around them.
 */
export function AppLink({ href, children, testId }: { href: string; children: React.ReactNode; testId?: string }) {
  const { navigate } = usePage();
  return (
    <a
      className={useStyles2(getStyles)}
      href={href}
      data-testid={testId}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
