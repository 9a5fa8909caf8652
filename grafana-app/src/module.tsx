import { AppPlugin } from '@grafana/data';
import { App } from './App.js';
import { AppConfig } from './config/AppConfig.js';
import type { AppJsonData } from './settings.js';

export const plugin = new AppPlugin<AppJsonData>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
