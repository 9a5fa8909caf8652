import React from 'react';
import { Alert, RadioButtonGroup } from '@grafana/ui';
import { locationService } from '@grafana/runtime';
import { causeSentence } from '../queries/causes.js';
import { count } from './format.js';

export interface CauseCount {
  cause: string;
  cls: string;
  count: number;
}

/** The causes seen in the range; the chosen one goes to the URL (`cause=`). */
export function CausePicker({ counts, selected }: { counts: CauseCount[]; selected?: string }) {
  const present = counts.filter((c) => c.count > 0);
  if (present.length === 0) return <Alert severity="success" title="No errors">No user or internal error for this code in the range.</Alert>;
  return (
    <RadioButtonGroup
      options={present.map((c) => ({ value: c.cause, label: `${c.cls} / ${c.cause}: ${count(c.count)}`, description: causeSentence(c.cause) }))}
      value={selected}
      onChange={(cause) => locationService.partial({ cause })}
    />
  );
}
