import React from 'react';
import { InteractiveTable, type Column } from '@grafana/ui';
import type { DialogEvent } from '../data/events.js';
import { DASH, stamp } from './format.js';

const ms = (v: number | undefined) => (v === undefined ? DASH : `${v} ms`);

/** Sample dialogs with the reason the classifier gave; MSISDNs arrive masked. */
export function EventTable({ events }: { events: DialogEvent[] }) {
  const columns: Array<Column<DialogEvent>> = [
    { id: 'at', header: 'Ended', cell: ({ row }) => stamp(row.original.at, Date.now()) },
    { id: 'node', header: 'Node' },
    { id: 'msisdn', header: 'MSISDN (masked)' },
    { id: 'ussd', header: 'Dialed' },
    { id: 'menu', header: 'Menu' },
    { id: 'status', header: 'Status', cell: ({ row }) => `${row.original.status}${row.original.mapError ? ` (MAP ${row.original.mapError})` : ''}` },
    { id: 'appMs', header: 'App', cell: ({ row }) => ms(row.original.appMs) },
    { id: 'dialogMs', header: 'Dialog', cell: ({ row }) => ms(row.original.dialogMs) },
    { id: 'cause', header: 'Class / cause', cell: ({ row }) => `${row.original.cls} / ${row.original.cause}` },
    {
      id: 'reason',
      header: 'Why this class',
      // The model's guess only stands beside the rules' verdict, for what they left unclassified.
      cell: ({ row }) => (row.original.guess ? `${row.original.reason}; learned model's guess: ${row.original.guess}` : row.original.reason),
    },
  ];
  return <InteractiveTable columns={columns} data={events} getRowId={(e: DialogEvent) => `${e.node}/${e.session}/${e.at}`} pageSize={20} />;
}
