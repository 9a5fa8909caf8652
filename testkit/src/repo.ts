import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder, whatever the current directory. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
