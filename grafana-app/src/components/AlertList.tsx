import React from 'react';
import { InteractiveTable, TextLink, type Column } from '@grafana/ui';
import { tierOf, type AmAlert } from '../data/alerts.js';
import { linkTo } from '../state/location.js';
import { AppLink } from './AppLink.js';
import { stamp } from './format.js';
import { usePage } from './page-context.js';
import { TierBadge } from './TierBadge.js';

/** Firing alerts with what an on-call engineer needs: what, where, since when, state. */
export function AlertList({ alerts }: { alerts: AmAlert[] }) {
  const { loc } = usePage();
  const columns: Array<Column<AmAlert>> = [
    { id: 'tier', header: 'Tier', cell: ({ row }) => <TierBadge tier={tierOf(row.original)} /> },
    { id: 'alertname', header: 'Alert', cell: ({ row }) => row.original.labels.alertname ?? '' },
    {
      id: 'short_code',
      header: 'Short code',
      cell: ({ row }) => {
        const code = row.original.labels.short_code;
        return code ? <AppLink href={linkTo(loc, { page: 'code', code })}>{code}</AppLink> : '';
      },
    },
    { id: 'summary', header: 'Summary', cell: ({ row }) => <span title={row.original.annotations.description}>{row.original.annotations.summary ?? row.original.annotations.description ?? ''}</span> },
    { id: 'startsAt', header: 'Since', cell: ({ row }) => stamp(Date.parse(row.original.startsAt), Date.now()) },
    {
      id: 'state',
      header: 'State',
      cell: ({ row }) => {
        const st = row.original.status;
        if (st.inhibitedBy.length) return 'inhibited by a higher tier';
        if (st.silencedBy.length) return 'silenced';
        return st.state === 'active' ? 'firing' : st.state;
      },
    },
    {
      id: 'runbook',
      header: 'Runbook',
      cell: ({ row }) => {
        const url = row.original.annotations.runbook_url;
        return url ? <TextLink href={url} external>runbook</TextLink> : '';
      },
    },
  ];
  return <InteractiveTable columns={columns} data={alerts} getRowId={(a: AmAlert) => a.fingerprint} />;
}
