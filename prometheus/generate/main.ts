// `npm run rules`: writes the rule files and documentation tables generated from
// prometheus/slo.yaml. `--check` writes nothing and fails when a committed file differs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '@ussdwatch/common/config-file.js';
import { PageError } from './docs.js';
import { generatedFiles, SLO_FILE, stalePaths } from './generate.js';
import { loadSlo } from './slo.js';

// Paths in messages are relative to the repository root, as in slo.yaml's header.
process.chdir(resolve(import.meta.dirname, '../..'));
const check = process.argv.includes('--check');
const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

try {
  const files = generatedFiles(loadSlo(SLO_FILE), (path) => read(path) ?? '');
  const stale = stalePaths(files, read);
  if (check) {
    for (const path of stale) console.error(`${path}: differs from what ${SLO_FILE} generates`);
    if (stale.length) {
      console.error('run `npm run rules` and commit the result (edit prometheus/slo.yaml, never the generated files)');
      process.exitCode = 1;
    } else {
      console.log(`${files.size} files match ${SLO_FILE}`);
    }
  } else {
    for (const path of stale) writeFileSync(path, files.get(path)!);
    console.log(stale.length ? `wrote ${stale.join(', ')}` : `${files.size} files already match ${SLO_FILE}`);
  }
} catch (err) {
  if (!(err instanceof ConfigError || err instanceof PageError)) throw err;
  console.error(err.message);
  process.exitCode = 1;
}
