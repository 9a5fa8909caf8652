import React from 'react';
import { InteractiveTable, type Column } from '@grafana/ui';
import { compareHealth } from '../data/health.js';
import type { CodeRow } from '../data/overview.js';
import { linkTo } from '../state/location.js';
import { AppLink } from './AppLink.js';
import { HealthScore } from './HealthScore.js';
import { count, pct, responseTime, stamp } from './format.js';
import { usePage } from './page-context.js';
import { TierBadge } from './TierBadge.js';
import { Trend } from './Trend.js';

/** The overview's short codes; a click on a code opens it. */
export function CodeTable({ rows }: { rows: CodeRow[] }) {
  const { loc } = usePage();
  const columns: Array<Column<CodeRow>> = [
    {
      id: 'code',
      header: 'Short code',
      cell: ({ row }) => (
        <AppLink href={linkTo(loc, { page: 'code', code: row.original.code })} testId={`code-link-${row.original.code}`}>
          {row.original.code}
        </AppLink>
      ),
    },
    { id: 'name', header: 'Name' },
    {
      id: 'health',
      header: 'Health',
      cell: ({ row }) => <HealthScore score={row.original.health} testId={`health-${row.original.code}`} />,
      sortType: (a, b) => compareHealth(a.original.health, b.original.health),
    },
    { id: 'team', header: 'Team' },
    { id: 'dialogs', header: 'Dialogs', cell: ({ row }) => count(row.original.dialogs) },
    { id: 'internalRatio', header: 'Internal errors', cell: ({ row }) => pct(row.original.internalRatio) },
    { id: 'userRatio', header: 'User errors', cell: ({ row }) => pct(row.original.userRatio) },
    { id: 'p95Seconds', header: 'p95 response', cell: ({ row }) => responseTime(row.original.p95Seconds) },
    { id: 'noAnswerRatio', header: 'No answer', cell: ({ row }) => pct(row.original.noAnswerRatio) },
    { id: 'trend', header: 'Internal ratio trend', cell: ({ row }) => <Trend series={row.original.trend} /> },
    {
      id: 'alerting',
      header: 'Active alert',
      cell: ({ row }) => {
        const a = row.original.alerting;
        return a ? (
          <span>
            <TierBadge tier={a.tier} /> since {stamp(a.since, Date.now())}
          </span>
        ) : (
          <TierBadge />
        );
      },
    },
  ];
  return <InteractiveTable columns={columns} data={rows} getRowId={(r: CodeRow) => r.code} />;
}
