// Production refuses the secrets this repository ships (common/web-security's list of
// digests): this fails when a secret file or a password hash is committed without its
// digest in that list, so a new demo secret cannot slip into production unnoticed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_SECRET_DIGESTS } from '../../common/src/web-security.js';
import { REPO } from './helpers.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const tracked = execFileSync('git', ['ls-files'], { cwd: REPO, encoding: 'utf8' }).split('\n').filter(Boolean);

describe('demo secrets shipped in the repository', () => {
  it('every file in a secrets/ folder is known to the production check', () => {
    const secrets = tracked.filter((f) => /(^|\/)secrets\/[^/]+$/.test(f) && !f.endsWith('.md'));
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const f of secrets) expect(DEMO_SECRET_DIGESTS.has(sha256(readFileSync(join(REPO, f), 'utf8').trim())), f).toBe(true);
  });

  it('every bcrypt hash in a committed YAML file is known to the production check', () => {
    const hashes = tracked
      .filter((f) => /\.ya?ml$/.test(f))
      .flatMap((f) => [...readFileSync(join(REPO, f), 'utf8').matchAll(/\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}/g)].map((m) => [f, m[0]] as const));
    expect(hashes.length).toBeGreaterThan(0);
    for (const [f, h] of hashes) expect(DEMO_SECRET_DIGESTS.has(sha256(h)), `${f}: ${h}`).toBe(true);
  });
});
