import React from 'react';
import { Badge, InteractiveTable, Select, type Column } from '@grafana/ui';
import { locationService } from '@grafana/runtime';
import { groupByTier, TIER_LABELS } from '../data/alerts.js';
import { channelsOf, codesOf, filterJournal, type JournalEntry } from '../data/journal.js';
import { AlertList } from '../components/AlertList.js';
import { AppLink } from '../components/AppLink.js';
import { linkTo } from '../state/location.js';
import { stamp } from '../components/format.js';
import { LoadedView } from '../components/Loaded.js';
import { usePage } from '../components/page-context.js';
import { Section } from '../components/Section.js';
import { TierBadge } from '../components/TierBadge.js';
import { useLoad } from '../components/useLoad.js';

const journalColumns: Array<Column<JournalEntry>> = [
  { id: 'at', header: 'When', cell: ({ row }) => stamp(row.original.at, Date.now()) },
  { id: 'tier', header: 'Tier', cell: ({ row }) => <TierBadge tier={row.original.tier} /> },
  { id: 'alertname', header: 'Alert' },
  { id: 'shortCodes', header: 'Short code', cell: ({ row }) => row.original.shortCodes.join(', ') },
  { id: 'channel', header: 'Channel' },
  { id: 'team', header: 'Team' },
  { id: 'recipient', header: 'Told (masked)' },
  {
    id: 'delivered',
    header: 'Delivered',
    cell: ({ row }) => {
      const d = row.original.delivered;
      return <Badge text={row.original.status || 'unknown'} color={d ? 'green' : d === false ? 'red' : 'orange'} />;
    },
  },
  { id: 'detail', header: 'Detail' },
];

/** A journal filter kept in the URL, so a filtered view can be shared. */
function UrlFilter({ param, label, value, options }: { param: string; label: string; value?: string; options: Array<{ label: string; value: string }> }) {
  return (
    <Select
      aria-label={label}
      placeholder={label}
      width={24}
      isClearable
      value={value ?? null}
      options={options}
      onChange={(v) => locationService.partial({ [param]: v?.value ?? null })}
    />
  );
}

export function Alerts() {
  const { loc, api, range, toS, refreshKey } = usePage();
  const alerts = useLoad(async () => groupByTier(await api.alerts()), [refreshKey], 'Alertmanager');
  const journal = useLoad(() => api.journal({ fromMs: range.from.valueOf(), toMs: range.to.valueOf() }), [toS, range.from.valueOf(), refreshKey], 'Notifier journal');
  const filter = { tier: loc.tier, channel: loc.channel, code: loc.code };
  const opt = (v: string) => ({ label: v, value: v });

  return (
    <>
      <p>
        Alerts of one fault form one incident: <AppLink href={linkTo(loc, { page: 'incidents' })} testId="incidents-link">see the incidents, their timeline, and acknowledge</AppLink>.
      </p>
      <Section title="Active alerts by tier" testId="active-alerts">
        <LoadedView state={alerts} isEmpty={(g) => g.length === 0} empty="No alert is firing in Alertmanager.">
          {(groups) =>
            groups.map((g) => (
              <div key={g.tier} data-testid={`tier-${g.tier}`}>
                <h4>
                  {TIER_LABELS[g.tier] ?? `Tier ${g.tier}`} ({g.alerts.length})
                </h4>
                <AlertList alerts={g.alerts} />
              </div>
            ))
          }
        </LoadedView>
      </Section>
      <Section title="Alert journal: who was told, how, when, delivered?" testId="journal">
        <LoadedView state={journal} isEmpty={(j) => j.length === 0} empty="The notifier sent nothing in this time range.">
          {(entries) => (
            <>
              <div style={{ display: 'flex', gap: 8, marginBottom: 8 }}>
                <UrlFilter param="tier" label="All tiers" value={filter.tier} options={['3', '2', '1'].map((t) => ({ label: `Tier ${t}`, value: t }))} />
                <UrlFilter param="channel" label="All channels" value={filter.channel} options={channelsOf(entries).map(opt)} />
                <UrlFilter param="code" label="All short codes" value={filter.code} options={codesOf(entries).map(opt)} />
              </div>
              <InteractiveTable columns={journalColumns} data={filterJournal(entries, filter)} getRowId={(e: JournalEntry) => `${e.at}/${e.channel}/${e.recipient}/${e.status}/${e.detail}`} pageSize={25} />
            </>
          )}
        </LoadedView>
      </Section>
    </>
  );
}
