// MSISDNs are personal data: wherever one is shown (events API, logs) only the country
// and operator prefix and the last digits remain, enough to correlate a complaint.
const KEEP_HEAD = 5;
const KEEP_TAIL = 3;

export function maskMsisdn(msisdn: string): string {
  const s = msisdn.trim();
  if (s === '') return '';
  if (s.length > KEEP_HEAD + KEEP_TAIL) {
    return s.slice(0, KEEP_HEAD) + '*'.repeat(s.length - KEEP_HEAD - KEEP_TAIL) + s.slice(-KEEP_TAIL);
  }
  // Too short to keep both ends without revealing most of it: keep the last third at most.
  const tail = Math.floor(s.length / 3);
  return '*'.repeat(s.length - tail) + s.slice(s.length - tail);
}
