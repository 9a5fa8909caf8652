import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Button, useStyles2 } from '@grafana/ui';
import { durationS, subjectOf, timelineOf, type Incident, type IncidentState } from '../data/incidents.js';
import { age, clock, DASH, stamp, weekdayClock, zoneLabel } from './format.js';
import { TierBadge } from './TierBadge.js';

const STATE_COLORS: Record<IncidentState, 'red' | 'orange' | 'green'> = { open: 'red', acknowledged: 'orange', resolved: 'green' };

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({ border: `1px solid ${theme.colors.border.weak}`, borderRadius: theme.shape.radius.default, padding: theme.spacing(1.5), marginBottom: theme.spacing(1.5) }),
  head: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'center', flexWrap: 'wrap' }),
  facts: css({ color: theme.colors.text.secondary, margin: theme.spacing(0.5, 0) }),
  timeline: css({ margin: 0, paddingLeft: theme.spacing(2) }),
  held: css({ color: theme.colors.warning.text }),
});

/** A time in the viewer's zone, with the zone: a release time is read against a wall clock. */
const local = (ms: number) => `${clock(ms)} ${zoneLabel(ms)}`;

interface Props {
  incident: Incident;
  /** Short code -> service name, from the catalogue. */
  serviceNames: ReadonlyMap<string, string>;
  nowMs: number;
  /** Acknowledges it; resolves when done, rejects with the refusal in words. */
  onAck: (id: number) => Promise<void>;
}

/** One incident: what, since when, its state and who acknowledged, its timeline, and the Acknowledge button while open. */
export function IncidentCard({ incident: i, serviceNames, nowMs, onAck }: Props) {
  const styles = useStyles2(getStyles);
  const [ack, setAck] = useState<{ busy: boolean; refusal?: string }>({ busy: false });
  const acknowledge = () => {
    setAck({ busy: true });
    onAck(i.id).then(
      () => setAck({ busy: false }),
      (err: unknown) => setAck({ busy: false, refusal: (err as Error).message }),
    );
  };
  const escalated = i.escalations.length;
  return (
    <div className={styles.card} data-testid={`incident-${i.id}`}>
      <div className={styles.head}>
        <strong>#{i.id} {subjectOf(i, serviceNames)}</strong>
        <TierBadge tier={i.tier} />
        <span data-testid={`incident-state-${i.id}`}>
          <Badge text={i.state} color={STATE_COLORS[i.state]} />
        </span>
        {i.state === 'open' && (
          <Button size="sm" variant="primary" icon="check" disabled={ack.busy} onClick={acknowledge}>
            Acknowledge
          </Button>
        )}
        {ack.refusal && <span role="alert" data-testid={`ack-refusal-${i.id}`}>{ack.refusal}</span>}
      </div>
      <div className={styles.facts}>
        {i.shortCode && (i.node || i.source) ? `${i.node ?? i.source} · ` : ''}started {stamp(i.startedAt, nowMs)} · {i.resolvedAt === undefined ? 'for' : 'lasted'} {age(durationS(i, nowMs))} ·
        acknowledged by {i.acknowledgedBy ?? DASH} · {escalated === 0 ? 'no escalation' : `${escalated} escalation${escalated > 1 ? 's' : ''}`}
      </div>
      <ol className={styles.timeline} data-testid={`timeline-${i.id}`}>
        {timelineOf(i).map((e, k) => (
          <li key={k}>
            {local(e.at)} {e.kind}: {e.text}
            {e.heldUntil !== undefined && <span className={styles.held}> until {weekdayClock(e.heldUntil)}{e.heldFor ? ` (${e.heldFor})` : ''}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}
