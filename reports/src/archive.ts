// The archive folder: every report built (scheduled or on demand), deleted after the
// retention; and the sent-state, which says per scheduled report which period went to whom,
// written atomically so that a restart never sends a period twice.
import { readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ArchivedFile {
  file: string;
  bytes: number;
  modified: string;
}

const REPORT_FILE = /^ussdwatch-[A-Za-z0-9_-]+\.(pdf|xlsx)$/;

/** A name that may be served from the archive: only what buildReport writes, never a path. */
export const isReportFile = (name: string): boolean => REPORT_FILE.test(name);

export async function listArchive(dir: string): Promise<ArchivedFile[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  const files = await Promise.all(
    names.filter(isReportFile).map(async (file) => {
      const s = await stat(join(dir, file));
      return { file, bytes: s.size, modified: s.mtime.toISOString() };
    }),
  );
  return files.sort((a, b) => b.modified.localeCompare(a.modified) || a.file.localeCompare(b.file));
}

/** Deletes reports older than the retention; returns what it deleted. */
export async function pruneArchive(dir: string, retentionDays: number, nowMs: number): Promise<string[]> {
  const old = (await listArchive(dir)).filter((f) => Date.parse(f.modified) < nowMs - retentionDays * 86_400_000);
  await Promise.all(old.map((f) => unlink(join(dir, f.file))));
  return old.map((f) => f.file);
}

/** Per scheduled report: the last period sent, and who already has it (a retry after a failed mail skips them). */
export type SentState = Record<string, { period: string; sentTo: string[]; done: boolean }>;

export class StateFile {
  constructor(readonly file: string) {}

  async read(): Promise<SentState> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as SentState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`${this.file}: ${(err as Error).message}; it records which reports were sent: fix or delete it (deleting it may send the latest reports again)`);
    }
  }

  async write(state: SentState): Promise<void> {
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, JSON.stringify(state, null, 2));
    await rename(tmp, this.file);
  }
}
