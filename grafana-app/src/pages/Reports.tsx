// The report service's archive, a download of any report through the plugin's routes, and
// a report built on demand for the range picked above (the POST route needs Editor).
import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Input, InteractiveTable, RadioButtonGroup, useStyles2, type Column } from '@grafana/ui';
import { describeFailure, type LoadError } from '../data/load-error.js';
import { fileSize, type BuiltReport, type ReportFile, type ReportRow } from '../data/reports.js';
import { stamp } from '../components/format.js';
import { ErrorBox, LoadedView } from '../components/Loaded.js';
import { usePage } from '../components/page-context.js';
import { Section } from '../components/Section.js';
import { useLoad } from '../components/useLoad.js';

const LANGS = [
  { label: 'Français', value: 'fr' as const },
  { label: 'English', value: 'en' as const },
];

type Build = { status: 'idle' } | { status: 'building' } | { status: 'built'; report: BuiltReport } | { status: 'error'; error: LoadError };

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({ display: 'flex', gap: theme.spacing(2), alignItems: 'flex-end', flexWrap: 'wrap' }),
  links: css({ display: 'flex', gap: theme.spacing(2) }),
});

export function Reports() {
  const styles = useStyles2(getStyles);
  const { api, fromS, toS, refreshKey } = usePage();
  const [scope, setScope] = useState('all');
  const [lang, setLang] = useState<'fr' | 'en'>('fr');
  const [build, setBuild] = useState<Build>({ status: 'idle' });
  // A report built here reloads the list, as the refresh button does.
  const [built, setBuilt] = useState(0);
  const archive = useLoad(() => api.reportArchive(), [refreshKey, built], 'Report service');
  // Ages against the range's end, as every page of the app reads them.
  const nowMs = toS * 1000;

  const start = async () => {
    setBuild({ status: 'building' });
    try {
      const report = await api.buildReport({ from: new Date(fromS * 1000).toISOString(), to: new Date(toS * 1000).toISOString(), scope: scope.trim() || 'all', lang });
      setBuild({ status: 'built', report });
      setBuilt((n) => n + 1);
    } catch (err) {
      setBuild({ status: 'error', error: describeFailure(err, 'Report service') });
    }
  };

  const link = (f: ReportFile | undefined, label: string) =>
    f ? (
      <a href={api.reportUrl(f.file)} download={f.file} data-testid={`download-${label.toLowerCase()}`}>
        {label} ({fileSize(f.bytes)})
      </a>
    ) : null;
  const columns: Array<Column<ReportRow>> = [
    { id: 'period', header: 'Period (Algiers time)' },
    { id: 'scope', header: 'Scope' },
    { id: 'lang', header: 'Language' },
    { id: 'builtAt', header: 'Built', cell: ({ row }) => stamp(row.original.builtAt, nowMs) },
    {
      id: 'files',
      header: 'Download',
      cell: ({ row }) => (
        <span className={styles.links}>
          {link(row.original.pdf, 'PDF')}
          {link(row.original.xlsx, 'XLSX')}
        </span>
      ),
    },
  ];

  return (
    <>
      <Section title="Build a report for the range above" testId="report-build">
        <div className={styles.form}>
          <Field label="Scope" description="all, team:NAME or code:CODE">
            <Input value={scope} onChange={(e) => setScope(e.currentTarget.value)} width={24} aria-label="Report scope" />
          </Field>
          <Field label="Language">
            <RadioButtonGroup options={LANGS} value={lang} onChange={setLang} />
          </Field>
          <Field label="">
            <Button icon={build.status === 'building' ? 'spinner' : 'file-alt'} disabled={build.status === 'building'} onClick={() => void start()}>
              {build.status === 'building' ? 'Building… (Chromium prints the PDF; up to a minute)' : 'Build report'}
            </Button>
          </Field>
        </div>
        {build.status === 'built' && (
          <Alert severity={build.report.warnings.length ? 'warning' : 'success'} title={`Built: ${build.report.title}`} data-testid="report-built">
            {build.report.warnings.length ? build.report.warnings.join(' ') : `${build.report.pdf} and ${build.report.xlsx} are in the archive below.`}
          </Alert>
        )}
        {build.status === 'error' && <BuildError error={build.error} />}
      </Section>
      <Section title="Archive (scheduled and on-demand reports, newest first)" testId="report-archive">
        <LoadedView state={archive} isEmpty={(a) => a.reports.length === 0 && a.problems.length === 0} empty="The archive is empty: the first scheduled report arrives the day after the service starts, or build one above.">
          {(a) => (
            <>
              {a.problems.map((p) => (
                <Alert key={p.name} severity="warning" title={`Scheduled report ${p.name} (${p.period}) not sent yet`}>
                  {p.error}
                  {p.retryAt ? ` Next attempt ${stamp(Date.parse(p.retryAt), nowMs)}.` : ''}
                </Alert>
              ))}
              <InteractiveTable columns={columns} data={a.reports} getRowId={(r: ReportRow) => r.base} pageSize={25} />
            </>
          )}
        </LoadedView>
      </Section>
    </>
  );
}

/** A refused build says it needs the Editor role; the rest as every load error. */
function BuildError({ error }: { error: LoadError }) {
  if (error.kind === 'auth') {
    return (
      <Alert severity="error" title="Not allowed to build reports" data-testid="build-error">
        Building a report needs the Editor role in Grafana (and the act role on the report service). {error.message}
      </Alert>
    );
  }
  if (error.kind === 'query') {
    return (
      <Alert severity="warning" title="No report for this range" data-testid="build-error">
        {error.message}
      </Alert>
    );
  }
  return (
    <div data-testid="build-error">
      <ErrorBox error={error} />
    </div>
  );
}
