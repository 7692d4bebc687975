import request, { Response } from 'supertest';
import type { App } from 'supertest/types';
import { Browser } from './browser';
import { CALLBACK } from './oauth';
import { adminAuth } from './test-app';

export type RegisteredApp = { res: Response; clientId: string; secret?: string };

// The client id and secret on the page that shows them once.
export function shownCredentials(res: Response): { clientId?: string; secret?: string } {
  return {
    clientId: /<dt>Client ID<\/dt>\s*<dd><code>([\w-]+)<\/code><\/dd>/.exec(res.text)?.[1],
    secret: /<code class="secret">([\w-]+)<\/code>/.exec(res.text)?.[1],
  };
}

// Registers an application through the developer portal's form, as the browser's signed-in user
// would (a confidential app asking for `profile`, redirecting to CALLBACK, unless `form` says
// otherwise).
export async function registerInPortal(
  browser: Browser,
  form: Record<string, string | string[]> = {},
): Promise<RegisteredApp> {
  await browser.get('/developer/apps/new');
  const res = await browser.post('/developer/apps', {
    csrf_token: browser.csrf,
    client_name: 'Weather Widget',
    description: 'Shows the weather where you are',
    client_uri: 'https://weather.example.com',
    redirect_uris: CALLBACK,
    scope: 'profile',
    client_type: 'confidential',
    ...form,
  });
  const { clientId, secret } = shownCredentials(res);
  if (res.status !== 201 || !clientId) {
    throw new Error(`registration failed: ${res.status}`);
  }
  return { res, clientId, secret };
}

// A decision names the version reviewed; without one, the version an application starts at.
export function review(
  server: App,
  clientId: string,
  decision: 'approve' | 'reject',
  body: Record<string, unknown> = {},
) {
  return request(server)
    .post(`/admin/clients/${clientId}/${decision}`)
    .set(adminAuth)
    .send({ review_version: 1, ...body });
}

export function auditEvents(server: App, query: Record<string, string> = {}) {
  return request(server).get('/admin/audit').query(query).set(adminAuth);
}
