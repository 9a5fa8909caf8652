// Whether a source can be read at all, for /ready: an exporter whose every source points at
// a missing folder, or at files it may not open, counts nothing and must not look ready.
import { constants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import picomatch from 'picomatch';
import { GlobScanner } from '../tailer/glob-scan.js';

/**
 * Why the source with this glob cannot be read, or null when it can: its folder can be
 * listed and, when it matches files, one of them can be opened. A folder without a matching
 * file yet can be read (the tailer picks files up as they appear).
 */
export async function whyUnreadable(glob: string, followSymlinksOutside = false): Promise<string | null> {
  const { base, isGlob } = picomatch.scan(glob);
  const folder = isGlob ? base : dirname(base);
  try {
    if (!(await stat(folder)).isDirectory()) return `${folder} is not a folder`;
    await access(folder, constants.R_OK | constants.X_OK);
  } catch (err) {
    return `cannot read the folder ${folder} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  const { files } = await new GlobScanner(glob, followSymlinksOutside).scan();
  let why: string | null = null;
  for (const f of files) {
    try {
      await (await open(f.path, 'r')).close();
      return null;
    } catch (err) {
      why = `cannot open ${f.path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    }
  }
  return why;
}

export interface SourceAccess {
  name: string;
  glob: string;
  followSymlinksOutside: boolean;
  /** True when the source's tailer follows a file: then it is readable without looking. */
  following(): boolean;
}

/**
 * Null when at least one source can be read (or none is configured), else the reason, source
 * by source. Sources are looked at in turn and the first readable one ends the search.
 */
export async function noSourceReadable(sources: readonly SourceAccess[]): Promise<string | null> {
  if (sources.length === 0 || sources.some((s) => s.following())) return null;
  const reasons: string[] = [];
  for (const s of sources) {
    const why = await whyUnreadable(s.glob, s.followSymlinksOutside);
    if (why === null) return null;
    reasons.push(`${s.name}: ${why}`);
  }
  return `no source can be read: ${reasons.join('; ')}`;
}
