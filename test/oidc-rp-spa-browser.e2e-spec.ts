import { existsSync, readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { createUser, STRONG_PASSWORD } from './factories';
import { registerClient } from './helpers/oauth';
import { freePort } from './helpers/processes';
import { createTestApp, TestApp } from './helpers/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LIBRARY = readFileSync(
  join(require.resolve('oidc-client-ts'), '../../browser/oidc-client-ts.min.js'),
  'utf8',
);

type SpaUser = {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  profile: Record<string, unknown>;
};

// What the SPA's page exposes (the test's code runs in the page, where globalThis is window).
type SpaWindow = {
  spa: {
    signIn: () => Promise<void>;
    renew: () => Promise<SpaUser | null>;
    signOut: () => Promise<void>;
  };
  signedIn?: SpaUser | { error: string };
};
// The single-page app on its own origin: oidc-client-ts (its browser bundle, unchanged) with the
// settings its documentation shows for a public client.
function spaPage(issuer: string, clientId: string, origin: string, script: string): string {
  const settings = JSON.stringify({
    authority: issuer,
    client_id: clientId,
    redirect_uri: `${origin}/callback`,
    post_logout_redirect_uri: `${origin}/signed-out`,
    response_type: 'code',
    scope: 'openid profile email',
    loadUserInfo: true,
  });
  return `<!doctype html><html><head><script src="/oidc-client-ts.js"></script></head><body>
<script>
const manager = new oidc.UserManager(${settings});
window.spa = {
  signIn: () => manager.signinRedirect(),
  renew: () => manager.signinSilent(),
  signOut: () => manager.signoutRedirect({ state: 'spa-bye' }),
};
${script}
</script></body></html>`;
}

// oidc-client-ts, the usual SPA library, in headless Chromium as a public client on another
// origin: signinRedirect, signinCallback, the profile from the ID token and userinfo, silent
// renewal by refresh token, and signoutRedirect back to the SPA.
describe('RP interop: oidc-client-ts in Chromium (SPA)', () => {
  let t: TestApp;
  let browser: Browser;
  let spa: Server;
  let origin: string;
  let issuer: string;
  let clientId: string;
  let aliceId: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
      );
    }
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await createTestApp({ ISSUER: issuer });
    await t.app.listen(port, '127.0.0.1');
    spa = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://spa').pathname;
      if (path === '/oidc-client-ts.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(LIBRARY);
        return;
      }
      const script =
        path === '/callback'
          ? `manager.signinCallback().then((user) => { window.signedIn = user; },
               (error) => { window.signedIn = { error: String(error) }; });`
          : '';
      res
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end(spaPage(issuer, clientId, origin, script));
    });
    await new Promise<void>((resolve) => spa.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(spa.address() as AddressInfo).port}`;

    aliceId = (
      await createUser(t.server, { email: 'alice@example.com', name: 'Alice Liddell' }).expect(201)
    ).body.id;
    clientId = (
      await registerClient(t.server, {
        client_name: 'Alice SPA',
        token_endpoint_auth_method: 'none',
        redirect_uris: [`${origin}/callback`],
        post_logout_redirect_uris: [`${origin}/signed-out`],
        allowed_origins: [origin],
      })
    ).id;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await new Promise((resolve) => spa?.close(resolve));
  });

  const signedInUser = async (page: Page): Promise<SpaUser> => {
    await page.waitForFunction(() => (globalThis as unknown as SpaWindow).signedIn !== undefined);
    const result = await page.evaluate(() => (globalThis as unknown as SpaWindow).signedIn);
    if (!result || 'error' in result) {
      throw new Error(`signinCallback failed: ${result?.error}`);
    }
    return result;
  };

  it('should sign in, renew by refresh token and sign out with the library unchanged', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await Promise.all([
      page.waitForURL(`${issuer}/login`),
      page.evaluate(() => {
        void (globalThis as unknown as SpaWindow).spa.signIn();
      }),
    ]);
    await page.fill('#username', 'alice');
    await page.fill('#password', STRONG_PASSWORD);
    await Promise.all([page.waitForURL(/\/consent\?request=/), page.click('button[type=submit]')]);
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(`${origin}/callback`)),
      page.click('button[value=approve]'),
    ]);

    const user = await signedInUser(page);
    // From the ID token (sub, iss, aud…) and from userinfo (email, name).
    expect(user.profile).toMatchObject({
      sub: aliceId,
      iss: issuer,
      aud: clientId,
      email: 'alice@example.com',
      name: 'Alice Liddell',
      preferred_username: 'alice',
    });
    expect(user.refresh_token).toMatch(/^[\w-]{43}$/);

    const renewed = await page.evaluate(() => (globalThis as unknown as SpaWindow).spa.renew());
    expect(renewed?.access_token).toMatch(/^[\w-]{43}$/);
    expect(renewed?.access_token).not.toBe(user.access_token);
    expect(renewed?.refresh_token).not.toBe(user.refresh_token);
    expect(renewed?.profile.sub).toBe(aliceId);

    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(`${origin}/signed-out`)),
      page.evaluate(() => {
        void (globalThis as unknown as SpaWindow).spa.signOut();
      }),
    ]);
    expect(new URL(page.url()).searchParams.get('state')).toBeTruthy();

    // The provider's session is gone: a new sign-in asks for the password again.
    await page.goto(`${origin}/`);
    await Promise.all([
      page.waitForURL(`${issuer}/login`),
      page.evaluate(() => {
        void (globalThis as unknown as SpaWindow).spa.signIn();
      }),
    ]);
  });
});
