import React, { useState } from 'react';
import { ackRefusal } from '../data/api.js';
import { IncidentCard } from '../components/IncidentCard.js';
import { LoadedView } from '../components/Loaded.js';
import { usePage } from '../components/page-context.js';
import { Section } from '../components/Section.js';
import { useLoad } from '../components/useLoad.js';
import { INSTANT } from '../queries/promql.js';

export function Incidents() {
  const { api, range, toS, refreshKey } = usePage();
  // An acknowledgement re-reads the incidents, as the refresh button does.
  const [acked, setAcked] = useState(0);
  const incidents = useLoad(async () => {
    const [list, catalogue] = await Promise.all([
      api.incidents({ fromMs: range.from.valueOf(), toMs: range.to.valueOf() }),
      // The service names are a nicety: an unreachable Prometheus must not hide the incidents.
      api.instant(INSTANT.catalogue(), toS).catch(() => []),
    ]);
    return { list, names: new Map(catalogue.map((s) => [s.metric.short_code, s.metric.name ?? ''])) };
  }, [toS, range.from.valueOf(), refreshKey, acked], 'Notifier incidents');
  const onAck = async (id: number) => {
    try {
      await api.acknowledge(id);
    } catch (err) {
      throw new Error(ackRefusal(err));
    }
    setAcked((n) => n + 1);
  };

  return (
    <Section title="Incidents: one fault's alerts, who was told, who has it" testId="incidents">
      <LoadedView state={incidents} isEmpty={(d) => d.list.length === 0} empty="No incident in this time range: the notifier grouped no alert into one.">
        {({ list, names }) => list.map((i) => <IncidentCard key={i.id} incident={i} serviceNames={names} nowMs={Date.now()} onAck={onAck} />)}
      </LoadedView>
    </Section>
  );
}
