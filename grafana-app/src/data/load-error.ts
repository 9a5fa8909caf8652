// Turns a failed request into what the page tells the SRE: which backend, what kind of
// trouble (down, rejected query, refused, misconfigured) and what to check.

export type LoadErrorKind = 'down' | 'query' | 'auth' | 'config' | 'data';

export class LoadError extends Error {
  constructor(
    readonly kind: LoadErrorKind,
    readonly source: string,
    message: string,
  ) {
    super(message);
    this.name = 'LoadError';
  }
}

/** The fields of @grafana/runtime's FetchError this needs (kept structural for tests). */
export interface FetchFailure {
  status?: number;
  statusText?: string;
  data?: unknown;
  message?: string;
}

function detailOf(data: unknown): string {
  if (typeof data === 'string') return data.slice(0, 300);
  if (data && typeof data === 'object') {
    const d = data as Record<string, unknown>;
    const v = d.error ?? d.message;
    if (typeof v === 'string') return v;
  }
  return '';
}

export function describeFailure(err: unknown, source: string): LoadError {
  if (err instanceof LoadError) return err;
  const f = (err ?? {}) as FetchFailure;
  const status = typeof f.status === 'number' ? f.status : 0;
  const detail = detailOf(f.data) || f.statusText || f.message || (err instanceof Error ? err.message : '');
  const suffix = detail ? `: ${detail}` : '';
  if (status === 0 || status === 502 || status === 503 || status === 504) {
    return new LoadError('down', source, `${source} is unreachable${status ? ` (HTTP ${status})` : ''}${suffix}`);
  }
  if (status === 400 || status === 422) return new LoadError('query', source, `${source} rejected the query${suffix}`);
  if (status === 401 || status === 403) {
    return new LoadError('auth', source, `${source} refused access (HTTP ${status})${suffix}: check the token on the app's configuration page`);
  }
  if (status === 404) {
    return new LoadError('config', source, `${source} not found (HTTP 404)${suffix}: check the datasource uid or URL on the app's configuration page`);
  }
  return new LoadError('data', source, `${source} failed (HTTP ${status})${suffix}`);
}
