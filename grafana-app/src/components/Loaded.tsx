import React from 'react';
import { Alert, LoadingPlaceholder } from '@grafana/ui';
import type { LoadError } from '../data/load-error.js';
import type { Loaded } from './useLoad.js';

const TITLES: Record<LoadError['kind'], (source: string) => string> = {
  down: (s) => `${s} is down`,
  query: () => 'Query error',
  auth: (s) => `${s} refused access`,
  config: (s) => `${s} is not configured`,
  data: (s) => `${s} answered something unexpected`,
};

export function ErrorBox({ error }: { error: LoadError }) {
  return (
    <Alert severity="error" title={TITLES[error.kind](error.source)} data-testid="load-error">
      {error.message}
    </Alert>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return (
    <Alert severity="info" title="No data" data-testid="no-data">
      {children}
    </Alert>
  );
}

interface Props<T> {
  state: Loaded<T>;
  /** Whether the loaded data has nothing to show. */
  isEmpty?: (data: T) => boolean;
  /** Says why it may be empty and what to check. */
  empty: React.ReactNode;
  children: (data: T) => React.ReactNode;
}

/** Loading, error, empty or the content: never a blank box. */
export function LoadedView<T>({ state, isEmpty, empty, children }: Props<T>) {
  if (state.status === 'error') return <ErrorBox error={state.error} />;
  if (state.data === undefined) return <LoadingPlaceholder text="Loading..." />;
  if (isEmpty?.(state.data)) return <Empty>{empty}</Empty>;
  return <>{children(state.data)}</>;
}
