// A server program of the stack (Prometheus, VictoriaMetrics) run in a folder of its own
// on a loopback port: the folder is kept when the caller names it, else a temporary one
// is removed on stop, or when the program does not come up.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.js';
import type { RunningProcess } from './process.js';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:40125 */
  url: string;
  process: RunningProcess;
  /** What it logged so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startServer(
  o: { workDir?: string; tempPrefix: string; port?: number },
  start: (dir: string, port: number, url: string) => Promise<RunningProcess>,
): Promise<RunningServer> {
  const dir = o.workDir ?? (await mkdtemp(join(tmpdir(), o.tempPrefix)));
  const cleanUp = () => (o.workDir ? Promise.resolve() : rm(dir, { recursive: true, force: true }));
  try {
    await mkdir(dir, { recursive: true });
    const port = o.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const proc = await start(dir, port, url);
    return {
      url,
      process: proc,
      output: () => proc.output(),
      async stop() {
        await proc.stop();
        await cleanUp();
      },
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}
