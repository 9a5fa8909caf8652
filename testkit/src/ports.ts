// The parts of the stack and the ports `npm start` gives them, each movable by an
// environment variable; tests give every part a free port instead.
import { portIsFree } from './net.js';

export type PartName = 'exporter' | 'notifier' | 'simulator' | 'harness' | 'reports' | 'prometheus' | 'alertmanager' | 'kannel' | 'smtp';

/** The ports `npm start` uses when nothing overrides them (tests pick free ones instead). */
export const DEFAULT_PORTS: Readonly<Record<PartName, number>> = {
  exporter: 9716,
  notifier: 9717,
  simulator: 9718,
  harness: 9719,
  reports: 9720,
  prometheus: 9090,
  alertmanager: 9093,
  kannel: 13013,
  smtp: 2525,
};

/** The environment variable that overrides each default port. */
export const PORT_ENV: Readonly<Record<PartName, string>> = {
  exporter: 'USSDWATCH_EXPORTER_PORT',
  notifier: 'USSDWATCH_NOTIFIER_PORT',
  simulator: 'USSDWATCH_SIMULATOR_PORT',
  harness: 'USSDWATCH_HARNESS_PORT',
  reports: 'USSDWATCH_REPORTS_PORT',
  prometheus: 'USSDWATCH_PROMETHEUS_PORT',
  alertmanager: 'USSDWATCH_ALERTMANAGER_PORT',
  kannel: 'USSDWATCH_KANNEL_PORT',
  smtp: 'USSDWATCH_SMTP_PORT',
};

const PART_NAMES = Object.keys(DEFAULT_PORTS) as PartName[];

/**
 * The parts whose port the stack can fix. Alertmanager, Kannel and the SMTP server come
 * from testkit launchers that always pick a free port; their URLs are in Stack.urls.
 */
export const FIXED_PORT_PARTS: readonly PartName[] = ['exporter', 'notifier', 'simulator', 'harness', 'reports', 'prometheus'];

/** The default ports with env overrides applied; a malformed value names its variable. */
export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<PartName, number> {
  const ports = { ...DEFAULT_PORTS };
  for (const part of PART_NAMES) {
    const raw = env[PORT_ENV[part]];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      throw new Error(`${PORT_ENV[part]}=${raw}: expected a TCP port number 1-65535 for the ${part}`);
    }
    ports[part] = n;
  }
  return ports;
}

/** Fails with one message listing every taken port, its part and the variable that moves it. */
export async function assertPortsFree(ports: Partial<Record<PartName, number>>): Promise<void> {
  const taken: string[] = [];
  for (const part of PART_NAMES) {
    const port = ports[part];
    if (port !== undefined && !(await portIsFree(port))) {
      taken.push(`  ${part}: 127.0.0.1:${port} is already in use (see who: ss -ltnp 'sport = :${port}'); stop it or set ${PORT_ENV[part]}=<another port>`);
    }
  }
  if (taken.length) throw new Error(`ports taken:\n${taken.join('\n')}`);
}
