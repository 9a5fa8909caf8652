// Where each source's files were read up to, in <stateDir>/positions.json, so that a
// restart (even after SIGKILL) resumes without losing or re-counting lines. One store is
// shared by every source's tailer; saves are serialised and coalesced.
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../state/state-file.js';

/** One file of a source: the offset of the first byte not yet delivered as a line. */
export interface SavedFile {
  /** fingerprintId() of the file's first line: how the file is recognised after a restart. */
  fingerprint: string;
  offset: number;
  /** Last known path: where to look for the file if it was rotated away while stopped. */
  path: string;
}

interface PositionsFile {
  version: 1;
  sources: Record<string, { files: SavedFile[] }>;
}

export class PositionStore {
  private readonly sources = new Map<string, SavedFile[]>();
  private writing: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  private constructor(readonly file: string) {}

  /**
   * Creates the folder if needed and loads the saved positions. A corrupt file is moved
   * aside (kept for diagnosis) and the store starts empty: `warn` says so, nothing throws.
   */
  static async open(stateDir: string, warn: (message: string) => void = (m) => console.warn(m)): Promise<PositionStore> {
    await mkdir(stateDir, { recursive: true });
    const store = new PositionStore(join(stateDir, 'positions.json'));
    let problem: string | null;
    try {
      const raw = await readJsonIfExists(store.file);
      problem = raw === undefined ? null : store.load(raw);
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem !== null) {
      store.sources.clear();
      const aside = `${store.file}.corrupt-${Date.now()}`;
      await rename(store.file, aside).catch(() => undefined);
      warn(
        `${store.file}: ${problem}; moved to ${aside} and starting without saved positions ` +
          `(each source starts as if seen for the first time, per its start_at)`,
      );
    }
    return store;
  }

  /** The saved files of a source, or undefined for a source never seen before. */
  get(source: string): readonly SavedFile[] | undefined {
    return this.sources.get(source);
  }

  set(source: string, files: SavedFile[]): void {
    this.sources.set(source, files);
  }

  /**
   * Writes every source's positions (temp file + rename). Resolves once a write that
   * started after this call has finished, so it covers every set() made before it; calls
   * made while a write is running share one follow-up write.
   */
  save(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.writing) return this.startWrite();
    this.queued = this.writing.then(
      () => this.startWrite(),
      () => this.startWrite(),
    );
    return this.queued;
  }

  private startWrite(): Promise<void> {
    this.queued = null;
    const body: PositionsFile = { version: 1, sources: {} };
    for (const [name, files] of this.sources) body.sources[name] = { files };
    const write = writeJsonAtomic(this.file, body).finally(() => {
      if (this.writing === write) this.writing = null;
    });
    this.writing = write;
    return write;
  }

  /** Fills the store from the parsed file; returns what is wrong with it, or null. */
  private load(raw: unknown): string | null {
    const doc = raw as Partial<PositionsFile> | null;
    if (typeof doc !== 'object' || doc === null || doc.version !== 1 || typeof doc.sources !== 'object' || doc.sources === null) {
      return 'not a version 1 positions file';
    }
    for (const [name, entry] of Object.entries(doc.sources)) {
      const files = (entry as { files?: unknown } | null)?.files;
      if (!Array.isArray(files)) return `source "${name}" has no files list`;
      for (const f of files as Partial<SavedFile>[]) {
        if (typeof f?.fingerprint !== 'string' || typeof f.path !== 'string' || !Number.isSafeInteger(f.offset) || (f.offset as number) < 0) {
          return `source "${name}" has an invalid file entry ${JSON.stringify(f)}`;
        }
      }
      this.sources.set(name, files as SavedFile[]);
    }
    return null;
  }
}
