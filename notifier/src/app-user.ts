// Who acknowledged from the Grafana app: Grafana's proxy sends the signed-in user's login
// in X-Grafana-User ([dataproxy] send_user_header = true). The header comes from whoever
// holds the app's act token, so it is shown, never trusted for more: cut to a readable
// length, without control characters, and masked like any number or address (a login may
// be a phone number or a mail address).
import { maskEmails, maskMsisdns } from '@ussdwatch/common/mask.js';

export const GRAFANA_USER_HEADER = 'x-grafana-user';
const MAX_LENGTH = 64;
// Letters, digits, punctuation, symbols and spaces: nothing that moves a cursor or hides text.
const UNPRINTABLE = /[^\p{L}\p{M}\p{N}\p{P}\p{S} ]/gu;

/** The login to show for an X-Grafana-User value, or undefined when there is none worth showing. */
export function grafanaUser(header: string | string[] | undefined): string | undefined {
  // Sent twice, the header says nothing reliable: as if absent.
  if (typeof header !== 'string') return undefined;
  const login = [...header.replace(UNPRINTABLE, '').trim()].slice(0, MAX_LENGTH).join('');
  return login ? maskEmails(maskMsisdns(login)) : undefined;
}
