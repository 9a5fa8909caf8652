export { freePort } from './net.js';
export { waitFor } from './wait.js';
export { startProcess, type RunningProcess } from './process.js';
