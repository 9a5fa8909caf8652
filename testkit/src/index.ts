export { freePort } from './net.js';
export { waitFor } from './wait.js';
export { startProcess, type RunningProcess } from './process.js';
export { startAlertmanager, type RunningAlertmanager, type AlertmanagerOptions, type PostableAlert } from './alertmanager.js';
export { startKannel, FAKESMSC, type KannelGateway, type KannelOptions, type ReceivedSms } from './kannel.js';
export { startSmtp, type SmtpSink, type SmtpOptions, type ReceivedMail } from './smtp.js';
export { startPrometheus, type PrometheusOptions, type RunningPrometheus } from './prometheus.js';
export { startStack, portsFromEnv, assertPortsFree, faultControl, DEFAULT_PORTS, PORT_ENV, FIXED_PORT_PARTS, REPO_ROOT, type Stack, type StackOptions, type PartName, type FaultSpec, type FaultControl, type Seen } from './stack.js';
