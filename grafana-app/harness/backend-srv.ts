// A browser implementation of the part of Grafana's backendSrv the app uses, over
// window.fetch against the harness server (which answers the same URLs Grafana does).
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { Observable, lastValueFrom } from 'rxjs';

function urlOf(req: BackendSrvRequest): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries((req.params ?? {}) as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
  }
  const q = params.toString();
  return q ? `${req.url}${req.url.includes('?') ? '&' : '?'}${q}` : req.url;
}

async function call<T>(req: BackendSrvRequest): Promise<FetchResponse<T>> {
  const method = (req.method ?? 'GET').toUpperCase();
  const hasBody = req.data !== undefined && method !== 'GET';
  let res: Response;
  try {
    res = await fetch(urlOf(req), {
      method,
      headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...(req.headers ?? {}) },
      body: hasBody ? JSON.stringify(req.data) : undefined,
    });
  } catch (err) {
    const failure: FetchError = { status: 0, statusText: (err as Error).message, data: { message: (err as Error).message }, config: req };
    throw failure;
  }
  const text = await res.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text, as Grafana's backendSrv does.
  }
  if (!res.ok) {
    const failure: FetchError = { status: res.status, statusText: res.statusText, data, config: req };
    throw failure;
  }
  return { data: data as T, status: res.status, statusText: res.statusText, ok: true, headers: res.headers, redirected: res.redirected, type: res.type, url: res.url, config: req };
}

export function harnessBackendSrv(): BackendSrv {
  const fetchObs = <T>(req: BackendSrvRequest) =>
    new Observable<FetchResponse<T>>((sub) => {
      call<T>(req).then(
        (r) => {
          sub.next(r);
          sub.complete();
        },
        (e) => sub.error(e),
      );
    });
  const data = async <T>(req: BackendSrvRequest) => (await lastValueFrom(fetchObs<T>(req))).data;
  const srv = {
    fetch: fetchObs,
    datasourceRequest: <T>(req: BackendSrvRequest) => lastValueFrom(fetchObs<T>(req)),
    request: data,
    get: <T>(url: string, params?: BackendSrvRequest['params']) => data<T>({ url, params, method: 'GET' }),
    delete: <T>(url: string, d?: unknown) => data<T>({ url, data: d, method: 'DELETE' }),
    post: <T>(url: string, d?: unknown) => data<T>({ url, data: d, method: 'POST' }),
    patch: <T>(url: string, d?: unknown) => data<T>({ url, data: d, method: 'PATCH' }),
    put: <T>(url: string, d?: unknown) => data<T>({ url, data: d, method: 'PUT' }),
    resolveCancelerIfExists: () => undefined,
  };
  // Only what the app calls is implemented; the rest of the interface is Grafana-internal.
  return srv as unknown as BackendSrv;
}
