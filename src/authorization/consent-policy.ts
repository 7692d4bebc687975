import type { Client } from '../clients/client.entity';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

// RFC 8252 §8.6: a native app's identity cannot be verified (any app can claim its loopback
// port or private-use scheme), so a public client redirecting there is asked on every request.
// Remembered consent stays for confidential clients and public clients with https redirects.
export function mayRememberConsent(
  client: Pick<Client, 'tokenEndpointAuthMethod'>,
  redirectUri: string,
): boolean {
  if (client.tokenEndpointAuthMethod !== 'none') {
    return true;
  }
  return !isNativeRedirect(redirectUri);
}

function isNativeRedirect(redirectUri: string): boolean {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return true; // not a URL we can vouch for: never remembered
  }
  if (url.protocol === 'https:') {
    return false;
  }
  if (url.protocol === 'http:') {
    return LOOPBACK_HOSTS.has(url.hostname);
  }
  return true; // a private-use scheme (RFC 8252 §7.1)
}
