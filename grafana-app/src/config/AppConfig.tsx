import React, { useState } from 'react';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, SecretInput } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';
import { DEFAULT_ALERTMANAGER_UID, DEFAULT_PROMETHEUS_UID, PLUGIN_ID } from '../constants.js';
import { checkServiceUrl, type AppJsonData, type AppSecureJsonData } from '../settings.js';

// The docker-compose service addresses.
const EXPORTER_EXAMPLE = 'http://exporter:9716';
const NOTIFIER_EXAMPLE = 'http://notifier:9717';
const REPORTS_EXAMPLE = 'http://reports:9720';

type Props = PluginConfigPageProps<AppPluginMeta<AppJsonData>>;
type SecretKey = keyof AppSecureJsonData;

/** The app's settings: datasource uids, where the exporter and notifier APIs are, the tokens. */
export function AppConfig({ plugin }: Props) {
  const meta = plugin.meta;
  const [json, setJson] = useState<AppJsonData>(meta.jsonData ?? {});
  const [secrets, setSecrets] = useState<AppSecureJsonData>({});
  const [configured, setConfigured] = useState<Record<string, boolean>>(meta.secureJsonFields ?? {});
  const [error, setError] = useState<string>();
  const problems = [checkServiceUrl('Exporter', json.exporterUrl, EXPORTER_EXAMPLE), checkServiceUrl('Notifier', json.notifierUrl, NOTIFIER_EXAMPLE), checkServiceUrl('Report service', json.reportsUrl, REPORTS_EXAMPLE)].filter(Boolean);

  const set = (k: keyof AppJsonData) => (e: React.FormEvent<HTMLInputElement>) => setJson({ ...json, [k]: e.currentTarget.value });
  const secret = (k: SecretKey, label: string, description: string) => (
    <Field label={label} description={description}>
      <SecretInput
        width={60}
        isConfigured={Boolean(configured[k])}
        value={secrets[k] ?? ''}
        placeholder="token"
        onChange={(e) => setSecrets({ ...secrets, [k]: e.currentTarget.value })}
        onReset={() => {
          setConfigured({ ...configured, [k]: false });
          setSecrets({ ...secrets, [k]: '' });
        }}
      />
    </Field>
  );

  const save = async () => {
    try {
      await lastValueFrom(
        getBackendSrv().fetch({
          url: `/api/plugins/${PLUGIN_ID}/settings`,
          method: 'POST',
          data: { enabled: true, pinned: true, jsonData: json, secureJsonData: secrets },
        }),
      );
      // Grafana caches plugin settings in the page: reload so the app sees the new ones.
      window.location.reload();
    } catch (e) {
      setError(`Saving failed: ${(e as { data?: { message?: string } }).data?.message ?? String(e)}`);
    }
  };

  return (
    <form onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <FieldSet label="Datasources">
        <Field label="Prometheus datasource uid" description="Where ussdwatch metrics are scraped">
          <Input width={60} value={json.prometheusUid ?? ''} placeholder={DEFAULT_PROMETHEUS_UID} onChange={set('prometheusUid')} />
        </Field>
        <Field label="Alertmanager datasource uid" description="Alertmanager datasource (implementation: prometheus)">
          <Input width={60} value={json.alertmanagerUid ?? ''} placeholder={DEFAULT_ALERTMANAGER_UID} onChange={set('alertmanagerUid')} />
        </Field>
      </FieldSet>
      <FieldSet label="ussdwatch services (reached through Grafana's plugin proxy)">
        <Field label="Exporter URL" description={`Events and malformed-line samples, e.g. ${EXPORTER_EXAMPLE}`}>
          <Input width={60} value={json.exporterUrl ?? ''} placeholder={EXPORTER_EXAMPLE} onChange={set('exporterUrl')} />
        </Field>
        {secret('exporterToken', 'Exporter token', 'Bearer token, if the exporter API requires one')}
        <Field label="Notifier URL" description={`The alert journal, e.g. ${NOTIFIER_EXAMPLE}`}>
          <Input width={60} value={json.notifierUrl ?? ''} placeholder={NOTIFIER_EXAMPLE} onChange={set('notifierUrl')} />
        </Field>
        {secret('notifierToken', 'Notifier token', "The notifier API's bearer token")}
        <Field label="Report service URL" description={`ussdwatch report serve: the archive and reports on demand, e.g. ${REPORTS_EXAMPLE}`}>
          <Input width={60} value={json.reportsUrl ?? ''} placeholder={REPORTS_EXAMPLE} onChange={set('reportsUrl')} />
        </Field>
        {secret('reportsToken', 'Report service token', 'Bearer token; building a report needs its act role')}
      </FieldSet>
      {problems.map((p) => (
        <Alert key={p} severity="warning" title="Check this setting">
          {p}
        </Alert>
      ))}
      {error && <Alert severity="error" title="Not saved">{error}</Alert>}
      <Button type="submit">Save settings</Button>
    </form>
  );
}
