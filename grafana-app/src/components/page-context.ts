import { createContext, useContext } from 'react';
import type { TimeRange } from '@grafana/data';
import type { UssdApi } from '../data/api.js';
import type { QueryParams } from '../queries/promql.js';
import type { AppLocation } from '../state/location.js';

/** What every page reads: where we are, the evaluated range, and the way to the data. */
export interface PageContext {
  loc: AppLocation;
  range: TimeRange;
  fromS: number;
  toS: number;
  step: number;
  params: QueryParams;
  api: UssdApi;
  /** Bumped by the refresh button and the auto-refresh timer: loaders re-run on it. */
  refreshKey: number;
  navigate(url: string): void;
}

export const PageCtx = createContext<PageContext | null>(null);

export function usePage(): PageContext {
  const ctx = useContext(PageCtx);
  if (!ctx) throw new Error('usePage outside the app root');
  return ctx;
}
