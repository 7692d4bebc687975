import { existsSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser, chromium } from 'playwright-core';
import { createClient, createUser, STRONG_PASSWORD } from './factories';
import { authorizePath, pkcePair } from './helpers/browser';
import { review } from './helpers/developer';
import { callMe, expectInvalidToken, tokenRequest } from './helpers/oauth';
import { createTestApp, TestApp } from './helpers/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// A real browser clicks through sign-in and consent and lands on the client's redirect URI; and
// through the developer portal and connected apps.
describe('hosted pages in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let callback: Server;
  let callbackUrl: string;
  let issuer: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
      );
    }
    // The client application: a loopback redirect URI that shows what it received.
    callback = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`received ${req.url}`);
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;

    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const base = await t.app.getUrl();
    issuer = base.replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await new Promise((resolve) => callback?.close(resolve));
  });

  it('should sign in, approve, and arrive at the redirect URI with a code and the state', async () => {
    await createUser(t.server, { username: 'alice' }).expect(201);
    const { body: client } = await createClient(t.server, {
      client_name: 'Browser Test App',
      redirect_uris: [callbackUrl],
      token_endpoint_auth_method: 'none',
    }).expect(201);

    const page = await browser.newPage();
    const authorize = `${issuer}${authorizePath({
      client_id: client.client_id,
      redirect_uri: callbackUrl,
      scope: 'profile',
      state: 'browser-state',
    })}`;
    await page.goto(authorize);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.textContent('main')).toContain('to continue to Browser Test App');

    await page.fill('#username', 'alice');
    await page.fill('#password', STRONG_PASSWORD);
    await Promise.all([
      page.waitForURL(/\/consent\?request=/),
      page.click('main button[type=submit]'),
    ]);
    expect(await page.textContent('h1')).toBe('Allow access?');
    expect(await page.textContent('main')).toContain('See your name');

    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(callbackUrl)),
      page.click('button[value=approve]'),
    ]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('code')).toMatch(/^[\w-]{43}$/);
    expect(landed.searchParams.get('state')).toBe('browser-state');
    expect(landed.searchParams.get('iss')).toBe('http://localhost:3000');
    expect(await page.textContent('body')).toContain('received /callback?code=');
  });

  it('should register an app, get it approved, authorize it, and revoke it from connected apps', async () => {
    await createUser(t.server, { username: 'dana' }).expect(201);
    const page = await browser.newPage();

    // A developer registers a single-page app; the portal asks them to sign in first.
    await page.goto(`${issuer}/developer/apps`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#username', 'dana');
    await page.fill('#password', STRONG_PASSWORD);
    await Promise.all([
      page.waitForURL(/\/developer\/apps$/),
      page.click('main button[type=submit]'),
    ]);
    await Promise.all([
      page.waitForURL(/\/developer\/apps\/new$/),
      page.click('text=Register an application'),
    ]);
    await page.fill('#client_name', 'Dana Dashboard');
    await page.fill('#description', 'Charts of your day');
    await page.fill('#redirect_uris', callbackUrl);
    await page.check('input[name=scope][value=profile]');
    await page.check('input[name=client_type][value=public]');
    await Promise.all([
      page.waitForURL(/\/developer\/apps$/),
      page.click('main button[type=submit]'),
    ]);
    expect(await page.textContent('h1')).toBe('Application registered');
    expect(await page.textContent('main')).toContain('Awaiting approval');
    const clientId = (await page.textContent('dd code')) as string;
    expect(clientId).toMatch(/^[\w-]{22}$/);

    // An operator approves it.
    await review(t.server, clientId, 'approve').expect(200);
    await page.goto(`${issuer}/developer/apps/${clientId}`);
    expect(await page.textContent('main')).toContain('Approved');

    // The same person, as a user, authorizes it.
    const { verifier, challenge } = pkcePair();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: callbackUrl,
      scope: 'profile',
      state: 'portal-state',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    await page.goto(`${issuer}/oauth/authorize?${query.toString()}`);
    expect(await page.textContent('main')).toContain('Dana Dashboard');
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(callbackUrl)),
      page.click('button[value=approve]'),
    ]);
    const code = new URL(page.url()).searchParams.get('code') as string;
    const tokens = await tokenRequest(
      t.server,
      { id: clientId },
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: callbackUrl,
        code_verifier: verifier,
      },
    ).expect(200);
    await callMe(t.server, tokens.body.access_token).expect(200);

    // Connected apps, at a desktop and a phone width: nothing wider than the screen.
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of ['/', '/account/apps', `/account/apps/${clientId}/revoke`]) {
        await page.goto(`${issuer}${path}`);
        expect(await page.textContent('header')).toContain('Sign out');
        // Evaluated in the page (this file is compiled without the DOM's types).
        const overflow = await page.evaluate<number>(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        );
        expect({ width, path, overflow }).toEqual({ width, path, overflow: 0 });
        if (process.env.SCREENSHOTS_DIR) {
          const name = path.replace(/\W+/g, '_') || 'home';
          await page.screenshot({
            path: `${process.env.SCREENSHOTS_DIR}/${name}-${width}.png`,
            fullPage: true,
          });
        }
      }
    }

    // Revoking takes a confirmation: the list links to it, its button cuts the app off.
    await page.goto(`${issuer}/account/apps`);
    expect(await page.textContent('main')).toContain('Dana Dashboard');
    await page.click('text=Revoke access…');
    await page.waitForSelector('text=Revoke access for Dana Dashboard?');
    await callMe(t.server, tokens.body.access_token).expect(200);
    await page.click('button:has-text("Revoke access")');
    await page.waitForSelector('text=No application has access to your account.');
    expectInvalidToken(await callMe(t.server, tokens.body.access_token));
  });
});
