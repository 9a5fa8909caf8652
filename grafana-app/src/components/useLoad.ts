import { useEffect, useState } from 'react';
import { describeFailure, type LoadError } from '../data/load-error.js';

export type Loaded<T> = { status: 'loading'; data?: T } | { status: 'ok'; data: T } | { status: 'error'; error: LoadError; data?: T };

/**
 * Runs `load` whenever a dependency changes; keeps the previous data while reloading so
 * an auto-refresh does not blank the page, and drops answers that arrive after newer ones.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], source = 'request'): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    // Marking the reload keeps the old data on screen and says it is refreshing.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setState((s) => ({ status: 'loading', data: s.data }));
    load().then(
      (data) => current && setState({ status: 'ok', data }),
      (err: unknown) => current && setState((s) => ({ status: 'error', error: describeFailure(err, source), data: s.data })),
    );
    return () => {
      current = false;
    };
    // `deps` is the caller's reload key (range, window, refresh), as with useEffect's own list:
    // the loader closes over per-render objects that must not retrigger it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}
