// The validated, resolved configuration of the exporter. The YAML file (see
// config/example.yaml) is turned into this by loadConfig() in config/config.ts;
// everything downstream consumes only this shape.
import type { Catalogue } from '../core/catalogue.js';
import type { StatusMap } from '../core/status-map.js';
import type { LearnConfig } from '../learn/learn-config.js';

export type LineFormat = 'ussd-cdr' | 'ussd-json' | 'auto' | 'regex';

export interface SourceConfig {
  /** Bounded label value for ussd_log_lines_total{source}. */
  name: string;
  /** A glob (absolute, or relative to the config file); matches files that appear later too. */
  path: string;
  format: LineFormat;
  /** format regex: an ECMAScript pattern with named groups called after the twelve fields. */
  regex?: string;
  /** format regex: how the ts group is written (iso, epoch_s, epoch_ms or a pattern like dd/MM/yyyy HH:mm:ss). */
  timeFormat?: string;
  /** The vendor's own status map for this source (replaces the global one when set). */
  statusMap?: StatusMap;
  /** Offset used for timestamps written without one, in minutes east of UTC (Africa/Algiers: 60). */
  utcOffsetMinutes: number;
  /** Read files whose real path, through symbolic links, leaves the folder of `path` (default false). */
  followSymlinksOutside: boolean;
  /** Where a file seen for the first time starts: its end (default) or its beginning. */
  startAt: 'end' | 'beginning';
}

export interface DpssConfig {
  /** Folder the DPSS platform drops dpss_kpi_YYYYMMDDHHmm.csv files into. */
  spool: string;
  utcOffsetMinutes: number;
}

export interface ExporterConfig {
  /** The file this came from, or '<embedded defaults>'. */
  file: string;
  /** The gateway node this exporter runs beside: its scrape target carries it as the `node` label. */
  node: string;
  listen: { host: string; port: number };
  /** TLS and credentials (common/web-config); without one the exporter only listens on loopback, open. */
  webConfigFile?: string;
  /** Positions, seen DPSS files: survives restarts. */
  stateDir: string;
  catalogue: Catalogue;
  statusMap: StatusMap;
  /** Gateway nodes that get their own node label; others are counted as 'other'. */
  nodes: string[];
  sources: SourceConfig[];
  dpss: DpssConfig | null;
  /** Recent classified dialogs kept per short code and class for /api/events. */
  eventsPerKey: number;
  /** Recent malformed lines kept per source for /api/malformed. */
  malformedPerSource: number;
  /** The learned second opinion on unclassified dialogs (learn/), or null. */
  learn: LearnConfig | null;
}
