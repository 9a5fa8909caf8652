// ${VAR} and ${VAR:-default} in string values, so one config file serves docker, the
// launcher and a laptop. `$${` writes a literal `${`.
import { child, fail, type Place } from '@ussdwatch/common/config-file.js';

const REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function expandEnv(value: unknown, at: Place, env: NodeJS.ProcessEnv = process.env): unknown {
  if (typeof value === 'string') return expandString(value, at, env);
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, child(at, i), env));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandEnv(v, child(at, k), env);
    return out;
  }
  return value;
}

function expandString(s: string, at: Place, env: NodeJS.ProcessEnv): string {
  if (!s.includes('${')) return s;
  return s.replace(REF, (whole: string, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    return fail(at, `environment variable ${name} is not set; set it, or write \${${name}:-default} to give a default`);
  });
}
