// The simulator's engine: drains the dialog stream up to a point in time, writes each
// node's lines (and the truth file), and drops a DPSS file for every period once its lag
// has passed. Time is whatever the caller says: the wall clock in live mode, a simulated
// clock in --fast mode; the output depends only on the times asked for.
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalogue } from '@ussdwatch/exporter/core/catalogue.js';
import { fileStamp } from './algiers-time.js';
import { DialogGenerator, type SimDialog } from './dialog-generator.js';
import { DpssPeriod } from './dpss-period.js';
import { FaultSet, type Fault, type FaultRequest } from './faults.js';
import { createRenderer, type LineRenderer, type NodeFormat } from './line-format.js';
import { RotatingLog, type RotationPolicy } from './rotating-log.js';

export interface NodeSpec {
  name: string;
  format: NodeFormat;
}

export interface SimulationOptions {
  catalogue: Catalogue;
  nodes: NodeSpec[];
  outDir: string;
  dpssDir: string;
  periodMs: number;
  dpssLagMs: number;
  ratePerS: number;
  dailyCurve: boolean;
  seed: number;
  startMs: number;
  rotation: RotationPolicy;
  /** JSON lines describing every written line's true class; null: none. */
  truthFile: string | null;
  /** Faults in force from the start (their `after` counts from startMs). */
  faults: FaultRequest[];
}

interface NodeOutput {
  spec: NodeSpec;
  log: RotatingLog;
  renderer: LineRenderer;
  /** Line number in the live file, from 1. */
  lineNo: number;
  lines: number;
  malformed: number;
}

export interface SimulationStatus {
  sim_time: string;
  dialogs: number;
  nodes: Array<{ node: string; format: NodeFormat; file: string; lines: number; malformed: number; rotations: number; silent: boolean }>;
  dpss: { dir: string; files_written: number; files_suppressed: number; last_file: string | null };
  faults: Fault[];
}

const TRUTH_FLUSH_CHARS = 1 << 18;

export class Simulation {
  readonly faults: FaultSet;
  private readonly gen: DialogGenerator;
  private readonly outputs: NodeOutput[];
  private readonly codes: string[];
  private truthFd: number | null = null;
  private truthBuf = '';
  private period: DpssPeriod;
  private readonly ended: DpssPeriod[] = [];
  private dialogs = 0;
  private dpssWritten = 0;
  private dpssSuppressed = 0;
  private lastDpssFile: string | null = null;
  private now: number;

  constructor(private readonly opts: SimulationOptions) {
    this.faults = new FaultSet(opts.catalogue, opts.nodes.map((n) => n.name));
    // A bad fault is a usage error: report it before creating a single file.
    for (const f of opts.faults) this.faults.add(f, opts.startMs);
    mkdirSync(opts.outDir, { recursive: true });
    mkdirSync(opts.dpssDir, { recursive: true });
    this.gen = new DialogGenerator({
      catalogue: opts.catalogue,
      nodeCount: opts.nodes.length,
      ratePerS: opts.ratePerS,
      dailyCurve: opts.dailyCurve,
      seed: opts.seed,
      startMs: opts.startMs,
      faults: this.faults,
    });
    this.outputs = opts.nodes.map((spec) => ({
      spec,
      log: new RotatingLog(join(opts.outDir, `${spec.name}.log`), opts.rotation, opts.startMs),
      renderer: createRenderer(spec.name, spec.format),
      lineNo: 0,
      lines: 0,
      malformed: 0,
    }));
    if (opts.truthFile) this.truthFd = openSync(opts.truthFile, 'w');
    this.codes = opts.catalogue.entries.map((e) => e.code);
    this.period = new DpssPeriod(Math.floor(opts.startMs / opts.periodMs) * opts.periodMs, opts.periodMs, this.codes);
    this.now = opts.startMs;
  }

  /** Simulated time reached so far (epoch ms). */
  get time(): number {
    return this.now;
  }

  /** Generates and writes every dialog that ends before `t`, then any DPSS file due by `t`. */
  advanceTo(t: number): void {
    while (this.gen.nextTime < t) this.record(this.gen.produce());
    this.now = Math.max(this.now, t);
    this.periodAt(this.now);
    this.writeDueDpss(this.now);
    this.flush();
  }

  flush(): void {
    for (const o of this.outputs) o.log.flush();
    this.flushTruth();
  }

  close(): void {
    for (const o of this.outputs) o.log.close();
    this.flushTruth();
    if (this.truthFd !== null) closeSync(this.truthFd);
    this.truthFd = null;
  }

  status(): SimulationStatus {
    const state = this.faults.stateAt(this.now);
    return {
      sim_time: new Date(this.now).toISOString(),
      dialogs: this.dialogs,
      nodes: this.outputs.map((o, i) => ({
        node: o.spec.name,
        format: o.spec.format,
        file: o.log.path,
        lines: o.lines,
        malformed: o.malformed,
        rotations: o.log.segment,
        silent: state.nodes[i].silent,
      })),
      dpss: { dir: this.opts.dpssDir, files_written: this.dpssWritten, files_suppressed: this.dpssSuppressed, last_file: this.lastDpssFile },
      faults: this.faults.list(this.now),
    };
  }

  private record(d: SimDialog): void {
    this.dialogs++;
    // DPSS sees every dialog the platform served, whether or not its log line survives.
    if (d.codeIndex >= 0) this.periodAt(d.t).add(d.codeIndex, d.status === 'SUCCESS', d.appMs);
    if (d.lineFault === 'silent') return;
    const out = this.outputs[d.nodeIndex];
    let line = out.renderer.render(d);
    let reason: string | null = null;
    if (d.lineFault === 'malformed') {
      const c = out.renderer.corrupt(line, d.corruption);
      line = c.line;
      reason = c.reason;
      out.malformed++;
    }
    if (out.log.due(d.t, line.length + 1)) {
      out.log.rotate(d.t);
      out.lineNo = 0;
    }
    out.log.append(line + '\n');
    out.lineNo++;
    out.lines++;
    if (this.truthFd === null) return;
    this.truthBuf +=
      reason === null
        ? `{"node":"${out.spec.name}","segment":${out.log.segment},"line":${out.lineNo},"class":"${d.truth.cls}","cause":"${d.truth.cause}","short_code":"${d.shortCode}","near_code":${d.nearCode === null ? 'null' : `"${d.nearCode}"`}}\n`
        : `{"node":"${out.spec.name}","segment":${out.log.segment},"line":${out.lineNo},"class":"malformed","cause":"${reason}","short_code":null,"near_code":null}\n`;
    if (this.truthBuf.length >= TRUTH_FLUSH_CHARS) this.flushTruth();
  }

  /** The period holding time t; periods left behind wait in `ended` for their file. */
  private periodAt(t: number): DpssPeriod {
    while (t >= this.period.endMs) {
      this.ended.push(this.period);
      this.period = new DpssPeriod(this.period.endMs, this.opts.periodMs, this.codes);
    }
    return this.period;
  }

  private writeDueDpss(t: number): void {
    while (this.ended.length > 0 && this.ended[0].endMs + this.opts.dpssLagMs <= t) {
      const p = this.ended.shift()!;
      const due = p.endMs + this.opts.dpssLagMs;
      const omitted = this.faults.dpssOmittedAt(due);
      if (omitted === 'file') {
        this.dpssSuppressed++;
        continue;
      }
      const name = `dpss_kpi_${fileStamp(p.startMs)}.csv`;
      const csv = p.toCsv(omitted);
      if (this.faults.activeAt('dpss_corrupt', due)) {
        // An export that died while writing, in place: a reader sees a cut header.
        writeFileSync(join(this.opts.dpssDir, name), csv.slice(0, csv.indexOf(',short_code')));
      } else {
        // Temp name outside the dpss_kpi_*.csv pattern, then rename: a reader never sees half a file.
        const tmp = join(this.opts.dpssDir, `.${name}.tmp`);
        writeFileSync(tmp, csv);
        renameSync(tmp, join(this.opts.dpssDir, name));
      }
      this.dpssWritten++;
      this.lastDpssFile = name;
    }
  }

  private flushTruth(): void {
    if (this.truthFd === null || this.truthBuf === '') return;
    writeSync(this.truthFd, this.truthBuf);
    this.truthBuf = '';
  }
}
