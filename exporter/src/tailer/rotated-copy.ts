// Finds where a file's content went when it left its name: the copy made by copytruncate,
// or the file renamed while the exporter was stopped. logrotate names these after the
// original (gw01.log.1, gw01.log-20261121) in the same folder, so only those are opened.
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fingerprintId, readFingerprint } from './fingerprint.js';
import { describe, type ScannedFile } from './glob-scan.js';

export interface FoundCopy {
  file: ScannedFile;
  fh: FileHandle;
  fp: Buffer;
}

/**
 * The file next to `path` whose name starts with its name, whose first line has
 * fingerprint `id` and which holds at least `minSize` bytes; files in `exclude` (keys
 * already tailed) are skipped. The caller owns the returned handle.
 */
export async function findRotatedCopy(path: string, id: string, minSize: number, exclude: ReadonlySet<string>, scratch: Buffer): Promise<FoundCopy | null> {
  const dir = dirname(path);
  const name = basename(path);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names.sort()) {
    if (n === name || !n.startsWith(name)) continue;
    const file = await describe(join(dir, n));
    if (!file || file.size < minSize || exclude.has(file.key)) continue;
    const fh = await open(file.path, 'r').catch(() => null);
    if (!fh) continue;
    const fp = await readFingerprint(fh, scratch).catch(() => null);
    if (fp && fingerprintId(fp) === id) return { file, fh, fp };
    await fh.close();
  }
  return null;
}
