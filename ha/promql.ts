// An instant query on any PromQL API (a Prometheus replica, the store), now or at a time.
export type Instant = Array<{ metric: Record<string, string>; value: [number, string] }>;

export async function query(base: string, q: string, atMs?: number): Promise<Instant> {
  const at = atMs === undefined ? '' : `&time=${atMs / 1000}`;
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}${at}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: Instant } };
  if (body.status !== 'success') throw new Error(`${base}: ${q}: ${body.error}`);
  return body.data.result;
}
