import { existsSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser, chromium } from 'playwright-core';
import { createClient, createUser, STRONG_PASSWORD } from './factories';
import { authorizePath } from './helpers/browser';
import { createTestApp, TestApp } from './helpers/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// A real browser clicks through sign-in and consent and lands on the client's redirect URI.
describe('authorization code flow in Chromium', () => {
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
    await Promise.all([page.waitForURL(/\/consent\?request=/), page.click('button[type=submit]')]);
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
});
