// The shipped configurations rewired for the HA topology (docs/ha.md): one exporter per
// gateway node, and the labels that make two Prometheus replicas one source for
// Alertmanager and the store. Pure: text in, text out.
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { TargetGroup } from './prometheus.js';

type Yaml = Record<string, unknown>;

/** The external label that tells the two replicas apart; dropped from alerts and by the store. */
export const REPLICA_LABEL = 'replica';
/** The external label naming the pair (the same on both replicas). */
export const CLUSTER_LABEL = 'cluster';

export interface NodeExporterWiring {
  port: number;
  /** The gateway node whose log this exporter reads (its only source). */
  node: string;
  /** The node's log file. */
  logFile: string;
  /** Positions of this exporter alone. */
  stateDir: string;
  /** Whether this one reads the DPSS spool: the feed is platform-wide, so exactly one exporter does. */
  dpss: boolean;
}

/** The exporter's embedded defaults, reduced to one node's log. */
export function nodeExporterConfig(defaultYaml: string, w: NodeExporterWiring): string {
  const cfg = parseYaml(defaultYaml) as Yaml;
  const shipped = ((cfg.sources as Yaml[] | undefined) ?? [])[0] ?? {};
  cfg.listen = `127.0.0.1:${w.port}`;
  cfg.state_dir = w.stateDir;
  cfg.node = w.node;
  cfg.nodes = [w.node];
  cfg.sources = [{ ...shipped, name: w.node, path: w.logFile }];
  if (!w.dpss) delete cfg.dpss;
  return stringifyYaml(cfg);
}

/** The external labels of one replica: the shipped ones, the pair's name and the replica's. */
export function replicaLabels(shipped: Record<string, string>, cluster: string, replica: string): Record<string, string> {
  return { ...shipped, [CLUSTER_LABEL]: cluster, [REPLICA_LABEL]: replica };
}

/** A replica of the pair or a peer of the Alertmanager cluster: the name alerts give it, and its host:port. */
export interface PipelineMember {
  name: string;
  address: string;
}

/**
 * The monitoring pipeline's scrape jobs, the same for each replica
 * (prometheus/rules/monitoring-pipeline.yml): both replicas, each labelled with its
 * `replica` so the survivor's alert names the dead one, and every Alertmanager peer,
 * labelled with its `peer`.
 */
export function pipelineTargets(replicas: PipelineMember[], peers: PipelineMember[]): { prometheus: TargetGroup[]; alertmanager: TargetGroup[] } {
  return {
    prometheus: replicas.map((r) => ({ targets: [r.address], labels: { [REPLICA_LABEL]: r.name } })),
    alertmanager: peers.map((p) => ({ targets: [p.address], labels: { peer: p.name } })),
  };
}
