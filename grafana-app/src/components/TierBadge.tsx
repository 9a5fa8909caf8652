import React from 'react';
import { Badge } from '@grafana/ui';
import { DASH } from './format.js';

const COLORS = { 3: 'red', 2: 'orange', 1: 'blue' } as const;

export function TierBadge({ tier }: { tier?: number }) {
  if (!tier) return <span>{DASH}</span>;
  const color = COLORS[tier as 1 | 2 | 3] ?? 'purple';
  return <Badge text={`Tier ${tier}`} color={color} icon={tier === 3 ? 'exclamation-triangle' : 'bell'} />;
}
