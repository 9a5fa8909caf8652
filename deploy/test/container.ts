// A service's file system as docker-compose would lay it out, rebuilt on the host: every
// bind mount becomes a symlink at its container path under a temporary root, every tmpfs
// an empty folder. Commands the compose file runs can then be run on their real inputs.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  volumes?: string[];
  tmpfs?: string[];
  ports?: string[];
  profiles?: string[];
  healthcheck?: { test: string[] };
  secrets?: string[];
  environment?: Record<string, string>;
  restart?: string;
}

export interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { file: string }>;
}

export const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;

/** `source:target[:mode]` of a short-syntax volume. */
export function mount(spec: string): { source: string; target: string; mode: string } {
  const [source, target, mode = 'rw'] = spec.split(':');
  return { source, target, mode };
}

export const isBind = (source: string) => source.startsWith('.') || isAbsolute(source);

export interface Sandbox {
  /** The host path standing for a path inside the container. */
  path(containerPath: string): string;
  remove(): void;
}

export function sandbox(service: string): Sandbox {
  const root = mkdtempSync(join(tmpdir(), `ussdwatch-${service}-fs-`));
  const s = compose.services[service];
  for (const v of s.volumes ?? []) {
    const { source, target } = mount(v);
    if (!isBind(source)) continue;
    mkdirSync(dirname(join(root, target)), { recursive: true });
    symlinkSync(resolve(ROOT, source), join(root, target));
  }
  for (const t of s.tmpfs ?? []) mkdirSync(join(root, t), { recursive: true });
  return { path: (p) => join(root, p), remove: () => rmSync(root, { recursive: true, force: true }) };
}
