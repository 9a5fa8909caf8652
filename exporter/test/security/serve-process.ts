// The real exporter started as a process, as an attacker on loopback would meet it.
import { fileURLToPath } from 'node:url';
import { startProcess, type RunningProcess } from '@ussdwatch/testkit';

const ENTRY = fileURLToPath(new URL('./serve-entry.ts', import.meta.url));

/** `ussdwatch serve --config FILE`; waits for /healthz when url is given. */
export function spawnServe(configFile: string, url?: string): Promise<RunningProcess> {
  return startProcess(process.execPath, ['--conditions=source', '--import', 'tsx', ENTRY, 'serve', '--config', configFile], {
    readyUrl: url === undefined ? undefined : `${url}/healthz`,
    name: 'ussdwatch serve',
  });
}

export function exitCode(p: RunningProcess): Promise<number | null> {
  return p.child.exitCode !== null ? Promise.resolve(p.child.exitCode) : new Promise((r) => p.child.once('exit', (code) => r(code)));
}

/** Digit runs of 9 or more: an unmasked subscriber number (mask.ts masks 9 to 15 digits). */
export const UNMASKED_NUMBER = /\d{9,}/;
