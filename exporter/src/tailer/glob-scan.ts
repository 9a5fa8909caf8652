// Lists the files a source's glob matches right now, with their identity on disk. Run at
// every poll, so files that appear later are picked up without any watch machinery.
//
// Whoever can write in a log folder must not make the exporter read (and show, in
// /api/malformed) any file it can read: a match whose real path, through symbolic links of
// the file or of a folder below the source's folder, leaves that folder is skipped unless
// the source is configured to follow such links.
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import picomatch from 'picomatch';

export interface ScannedFile {
  path: string;
  /** dev:ino: the same file under another name (a rename) keeps its key. */
  key: string;
  size: number;
  mtimeMs: number;
}

export interface ScanResult {
  files: ScannedFile[];
  /** Paths the glob matches that cannot be tailed (a directory, a dangling link...), or a missing folder. */
  problems: Map<string, string>;
}

export function fileKey(s: { dev: bigint; ino: bigint }): string {
  return `${s.dev}:${s.ino}`;
}

export class GlobScanner {
  private readonly base: string;
  private readonly match: ((relative: string) => boolean) | null;
  private readonly recursive: boolean;
  /** The folder a matched file must really be in: the glob's base, or an exact path's folder. */
  private readonly folder: string;

  constructor(
    readonly glob: string,
    private readonly followSymlinksOutside = false,
  ) {
    const parts = picomatch.scan(glob);
    this.base = parts.base;
    this.match = parts.isGlob ? picomatch(parts.glob) : null;
    this.recursive = parts.glob.includes('/');
    this.folder = parts.isGlob ? parts.base : dirname(parts.base);
  }

  async scan(): Promise<ScanResult> {
    const problems = new Map<string, string>();
    const files: ScannedFile[] = [];
    // The folder itself may be a link (/var/log/ussd -> /data/ussd): that is the operator's choice.
    const folder = this.followSymlinksOutside ? null : await realpath(this.folder).catch(() => null);
    for (const path of await this.candidates(problems)) {
      if (folder !== null && !(await staysInside(path, folder, problems))) continue;
      const file = await describe(path, problems);
      if (file) files.push(file);
    }
    return { files, problems };
  }

  private async candidates(problems: Map<string, string>): Promise<string[]> {
    if (this.match === null) return [this.base];
    let names: string[];
    try {
      names = await readdir(this.base, { recursive: this.recursive });
    } catch (err) {
      problems.set(this.base, `cannot list the folder of ${this.glob}: ${(err as Error).message}`);
      return [];
    }
    const match = this.match;
    return names
      .filter((n) => match(n))
      .sort()
      .map((n) => join(this.base, n));
  }
}

/** The file at `path` if it can be tailed; a problem otherwise (nothing for a file deleted meanwhile). */
export async function describe(path: string, problems?: Map<string, string>): Promise<ScannedFile | null> {
  try {
    const s = await stat(path, { bigint: true });
    if (s.isFile()) return { path, key: fileKey(s), size: Number(s.size), mtimeMs: Number(s.mtimeNs) / 1e6 };
    problems?.set(path, `${path} matches the source's path but is not a regular file (a ${kind(s)}): it is skipped`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') problems?.set(path, `${path}: ${(err as Error).message}`);
    else if (await isLink(path)) problems?.set(path, `${path} is a symbolic link to a missing file: it is skipped until its target exists`);
  }
  return null;
}

/** False, with the problem, when the real path of `path` is outside `folder` (a real path). */
async function staysInside(path: string, folder: string, problems: Map<string, string>): Promise<boolean> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return true; // gone, or a dangling link: describe() says which
  }
  if (real.startsWith(folder + sep) || folder === sep) return true;
  problems.set(path, `${path} leads, through a symbolic link, to ${real} outside the source's folder ${folder}: it is not read (set follow_symlinks_outside: true on the source to read it)`);
  return false;
}

function kind(s: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (s.isDirectory()) return 'directory';
  if (s.isFIFO()) return 'named pipe';
  return s.isSocket() ? 'socket' : 'device';
}

async function isLink(path: string): Promise<boolean> {
  return lstat(path).then(
    (s) => s.isSymbolicLink(),
    () => false,
  );
}
