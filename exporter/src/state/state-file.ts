// Small JSON state files in state_dir that must survive a crash mid-write.
import { readFile, rename, writeFile } from 'node:fs/promises';

/** Writes to a temporary file then renames it over the target: a reader sees the old or the new file, never half of one. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value) + '\n');
  await rename(tmp, file);
}

/** The parsed file, undefined when it does not exist; throws on unreadable or invalid JSON. */
export async function readJsonIfExists(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as unknown;
}
