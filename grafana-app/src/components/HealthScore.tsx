import React from 'react';
import { healthBand } from '../queries/causes.js';
import { DASH } from './format.js';

/** A health score in its band's colour (healthy, degraded, unhealthy); a dash without one. */
export function HealthScore({ score, testId }: { score: number; testId?: string }) {
  const band = healthBand(score);
  if (!band) return <span data-testid={testId}>{DASH}</span>;
  return (
    <span data-testid={testId} title={band.label} style={{ color: band.color, fontWeight: 600 }}>
      {Math.round(score)}
    </span>
  );
}
