// Everything but the stack, which needs the built simulator: import it from
// '@ussdwatch/testkit/stack' (the e2e, `npm start`, the app's browser test).
export { freePort, portIsFree } from './net.js';
export { waitFor } from './wait.js';
export { startProcess, type RunningProcess, type StartOptions } from './process.js';
export { REPO_ROOT } from './repo.js';
export { portsFromEnv, assertPortsFree, DEFAULT_PORTS, PORT_ENV, FIXED_PORT_PARTS, type PartName } from './ports.js';
export { startAlertmanager, type RunningAlertmanager, type AlertmanagerOptions, type PostableAlert } from './alertmanager.js';
export { startKannel, FAKESMSC, type KannelGateway, type KannelOptions, type ReceivedSms } from './kannel.js';
export { startSmtp, type SmtpSink, type SmtpOptions, type ReceivedMail } from './smtp.js';
export { startPrometheus, type PrometheusOptions, type RunningPrometheus, type TargetGroup } from './prometheus.js';
