// When did DPSS write the file for the period holding a given instant? The lead of an SMS
// is measured against the real moment the (simulated) DPSS platform wrote that file.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '@ussdwatch/testkit';

// Africa/Algiers is UTC+01:00 all year; DPSS names its files after the local period start.
const ALGIERS_OFFSET_MS = 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** `dpss_kpi_YYYYMMDDHHmm.csv` of the period of periodS seconds that holds instant tMs. */
export function dpssFileFor(tMs: number, periodS: number): string {
  const periodMs = periodS * 1000;
  const local = Math.floor((tMs + ALGIERS_OFFSET_MS) / periodMs) * periodMs;
  const d = new Date(local);
  return `dpss_kpi_${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}.csv`;
}

/** Where instant tMs falls in its DPSS period, in seconds from the period's start. */
export function phaseInPeriod(tMs: number, periodS: number): number {
  return ((tMs + ALGIERS_OFFSET_MS) % (periodS * 1000)) / 1000;
}

/** Watches the spool folder; a file's write moment is its mtime (the simulator renames a finished temp file into place). */
export class DpssClock {
  private readonly written = new Map<string, number>();

  constructor(private readonly spool: string) {}

  private async scan(): Promise<void> {
    for (const name of await readdir(this.spool).catch(() => [] as string[])) {
      if (!name.startsWith('dpss_kpi_') || !name.endsWith('.csv') || this.written.has(name)) continue;
      const st = await stat(join(this.spool, name)).catch(() => null);
      if (st) this.written.set(name, st.mtimeMs);
    }
  }

  /** The write moment of a file, or undefined when it is not there yet. */
  async writtenAt(name: string): Promise<number | undefined> {
    await this.scan();
    return this.written.get(name);
  }

  /** Waits until the file is written and returns its write moment. */
  waitFor(name: string, timeoutMs: number): Promise<number> {
    return waitFor(() => this.writtenAt(name), { timeoutMs, intervalMs: 500, what: `DPSS file ${name}` });
  }

  /** Every file seen so far, oldest first. */
  async files(): Promise<Array<{ name: string; writtenAt: number }>> {
    await this.scan();
    return [...this.written].map(([name, writtenAt]) => ({ name, writtenAt })).sort((a, b) => a.writtenAt - b.writtenAt);
  }
}
