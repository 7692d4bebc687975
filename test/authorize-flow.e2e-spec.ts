import request from 'supertest';
import { createClient, createUser, STRONG_PASSWORD } from './factories';
import { authorizePath, Browser, redirectParams } from './helpers/browser';
import { createTestApp, TestApp } from './helpers/test-app';

const ISSUER = 'http://localhost:3000';
const CALLBACK = 'https://app.example.com/callback';

describe('authorization code flow through login and consent', () => {
  let t: TestApp;
  let clientId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    const { body } = await createClient(t.server, { scope: 'profile email' }).expect(201);
    clientId = body.client_id;
  });
  afterAll(async () => {
    await t.close();
  });

  const authorizeUrl = (params: Record<string, string> = {}) =>
    authorizePath({
      client_id: clientId,
      redirect_uri: CALLBACK,
      scope: 'profile',
      state: 'xyz',
      ...params,
    });

  it('should send a signed-out user to login, then consent, then back with a code', async () => {
    const browser = new Browser(t.server);
    const start = await browser.get(authorizeUrl());
    expect(start.status).toBe(303);
    expect(start.headers.location).toBe('/login');

    const login = await browser.get('/login');
    expect(login.status).toBe(200);
    expect(login.text).toContain('Acme Dashboard');

    const signedIn = await browser.login('alice', STRONG_PASSWORD);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toMatch(/^\/consent\?request=[\w-]{22}$/);

    const consent = await browser.get(signedIn.headers.location);
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('app.example.com');

    const requestId = signedIn.headers.location.split('=')[1];
    const approved = await browser.post('/consent', {
      csrf_token: browser.csrf,
      request: requestId,
      decision: 'approve',
    });
    expect(approved.status).toBe(303);
    expect(approved.headers.location).toMatch(/^https:\/\/app\.example\.com\/callback\?code=/);
    expect(redirectParams(approved)).toEqual({
      code: expect.stringMatching(/^[\w-]{43}$/),
      state: 'xyz',
      iss: ISSUER,
    });
  });

  it('should show an error page when the client is unknown', async () => {
    const res = await request(t.server).get(authorizeUrl({ client_id: 'nope' }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('invalid_client');
  });
});
