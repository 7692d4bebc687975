import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { createUser, STRONG_PASSWORD } from './factories';
import { Browser } from './helpers/browser';
import {
  ClientCredentials,
  passwordTokens,
  registerClient,
  registerTrustedClient,
} from './helpers/oauth';
import { exchangeOpenIdCode, OIDC_ISSUER, openIdCode } from './helpers/oidc';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

type Received = { path: string; contentType: string | undefined; body: string };

// A relying party's back-channel logout endpoint on loopback: answers with `respond` and records
// what it received.
class Receiver {
  received: Received[] = [];
  respond: (path: string, response: ServerResponse) => void = (_path, response) => {
    response.writeHead(200).end();
  };
  private server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      this.received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body });
      this.respond(req.url ?? '', res);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// OpenID Foundation Back-Channel Logout OP profile (OpenID Connect Back-Channel Logout 1.0).
describe('OpenID Connect Back-Channel Logout OP', () => {
  let t: TestApp;
  let receiver: Receiver;
  let base: string;
  let client: ClientCredentials;
  let aliceId: string;

  beforeAll(async () => {
    t = await createTestApp({ ISSUER: OIDC_ISSUER });
    aliceId = (await createUser(t.server).expect(201)).body.id;
    receiver = new Receiver();
    base = await receiver.start();
    client = await registerClient(t.server, {
      backchannel_logout_uri: `${base}/backchannel`,
      backchannel_logout_session_required: true,
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });
  beforeEach(() => {
    receiver.received = [];
    receiver.respond = (_path, response) => response.writeHead(200).end();
  });

  const signedIn = async (who = client) => {
    const browser = new Browser(t.server);
    await browser.signIn('alice', STRONG_PASSWORD);
    const issued = await openIdCode(t.server, who.id, {}, browser);
    const tokens = await exchangeOpenIdCode(t.server, who, issued).expect(200);
    return { browser, idToken: tokens.body.id_token as string };
  };

  const outbox = async () =>
    (await request(t.server).get('/admin/backchannel-logouts').set(adminAuth).expect(200)).body as {
      client_id: string;
      status: string;
      attempts: number;
      last_error: string | null;
    }[];

  const until = async (done: () => boolean | Promise<boolean>, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!(await done())) {
      if (Date.now() > end) {
        throw new Error('timed out');
      }
      await sleep(100);
    }
  };

  it('should POST a signed logout token with sid, sub, events and jti to the client on RP-initiated logout (oidcc-backchannel-rp-initiated-logout)', async () => {
    const { browser, idToken } = await signedIn();
    const sid = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString()).sid;
    const started = Date.now();
    const res = await browser.get(`/oauth/logout?id_token_hint=${idToken}`);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    await until(() => receiver.received.length === 1);
    const [delivery] = receiver.received;
    expect(delivery.path).toBe('/backchannel');
    expect(delivery.contentType).toBe('application/x-www-form-urlencoded');
    const logoutToken = new URLSearchParams(delivery.body).get('logout_token')!;
    const jwks = (await request(t.server).get('/oauth/jwks').expect(200)).body;
    const { payload, protectedHeader } = await jwtVerify(logoutToken, createLocalJWKSet(jwks), {
      issuer: OIDC_ISSUER,
      audience: client.id,
      typ: 'logout+jwt',
    });
    expect(protectedHeader).toEqual({
      alg: 'RS256',
      kid: decodeProtectedHeader(idToken).kid,
      typ: 'logout+jwt',
    });
    expect(payload).toEqual({
      iss: OIDC_ISSUER,
      aud: client.id,
      sub: aliceId,
      sid,
      iat: expect.any(Number),
      exp: payload.iat! + 120,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      events: { [EVENT]: {} },
    });
    expect(payload.nonce).toBeUndefined();
    await until(async () => (await outbox())[0]?.status === 'delivered');
  });

  it('should notify on sign-out from the hosted pages too', async () => {
    const { browser } = await signedIn();
    await browser.get('/login');
    const res = await browser.post('/logout', { csrf_token: browser.csrf });
    expect(res.status).toBe(303);
    await until(() => receiver.received.length === 1);
  });

  it('should retry with backoff after the receiver failed, then deliver (delivery retried)', async () => {
    let calls = 0;
    receiver.respond = (_path, response) => {
      calls++;
      response.writeHead(calls === 1 ? 503 : 200).end();
    };
    const { browser, idToken } = await signedIn();
    await browser.get(`/oauth/logout?id_token_hint=${idToken}`);
    await until(async () => (await outbox())[0]?.attempts === 1);
    expect((await outbox())[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'the receiver answered 503',
    });
    await until(async () => (await outbox())[0]?.status === 'delivered');
    expect((await outbox())[0]).toMatchObject({
      status: 'delivered',
      attempts: 2,
      last_error: null,
    });
    expect(receiver.received).toHaveLength(2);
  });

  it('should never follow a redirect from the receiver', async () => {
    receiver.respond = (path, response) => {
      response
        .writeHead(path === '/backchannel' ? 302 : 200, { Location: `${base}/elsewhere` })
        .end();
    };
    const { browser, idToken } = await signedIn();
    await browser.get(`/oauth/logout?id_token_hint=${idToken}`);
    await until(async () => (await outbox())[0]?.attempts === 1);
    expect((await outbox())[0].last_error).toBe('the receiver answered 302');
    expect(receiver.received.map(({ path }) => path)).toEqual(['/backchannel']);
  });

  it('should never make the sign-out wait for a receiver that does not answer', async () => {
    receiver.respond = () => undefined;
    const { browser, idToken } = await signedIn();
    const started = Date.now();
    const res = await browser.get(`/oauth/logout?id_token_hint=${idToken}`);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1500);
    // The request times out (5 s) and is retried later.
    await until(async () => (await outbox())[0]?.attempts === 1);
    expect((await outbox())[0].last_error).toBe('the request timed out after 5 s');
  });

  it('should notify only clients the session signed into that registered a URI', async () => {
    const silent = await registerClient(t.server, { client_name: 'No back-channel' });
    const { browser, idToken } = await signedIn(silent);
    const before = (await outbox()).length;
    await browser.get(`/oauth/logout?id_token_hint=${idToken}`);
    await sleep(300);
    expect(await outbox()).toHaveLength(before);
    const audiences = receiver.received.map(
      ({ body }) => decodeJwt(new URLSearchParams(body).get('logout_token')!).aud,
    );
    expect(audiences).not.toContain(silent.id);
  });

  it('should notify the client when the user revokes it on /account/apps', async () => {
    const { idToken } = await signedIn();
    const sid = decodeJwt(idToken).sid;
    const settings = await registerTrustedClient(t.server, { scope: 'account' });
    const { access_token } = await passwordTokens(t.server, settings, { scope: 'account' });
    await request(t.server)
      .delete(`/api/account/apps/${client.id}`)
      .auth(access_token, { type: 'bearer' })
      .expect(204);
    // Only this session's token counts: an earlier test's retried delivery may arrive too.
    const tokens = () =>
      receiver.received.map(({ body }) =>
        decodeJwt(new URLSearchParams(body).get('logout_token')!),
      );
    await until(() => tokens().some((token) => token.sid === sid));
    expect(tokens().find((token) => token.sid === sid)).toMatchObject({
      aud: client.id,
      sub: aliceId,
      events: { [EVENT]: {} },
    });
  });

  it('should notify the client when an operator disables the user', async () => {
    const { idToken } = await signedIn();
    const sid = decodeJwt(idToken).sid;
    await request(t.server)
      .patch(`/admin/users/${aliceId}`)
      .set(adminAuth)
      .send({ enabled: false })
      .expect(200);
    const tokens = () =>
      receiver.received.map(({ body }) =>
        decodeJwt(new URLSearchParams(body).get('logout_token')!),
      );
    await until(() => tokens().some((token) => token.sid === sid));
    expect(tokens().find((token) => token.sid === sid)).toMatchObject({
      aud: client.id,
      sub: aliceId,
    });
    await request(t.server)
      .patch(`/admin/users/${aliceId}`)
      .set(adminAuth)
      .send({ enabled: true })
      .expect(200);
  });

  it('should validate backchannel_logout_uri like a redirect URI', async () => {
    const res = await request(t.server)
      .post('/admin/clients')
      .set(adminAuth)
      .send({
        client_name: 'Bad',
        redirect_uris: ['https://app.example.com/callback'],
        backchannel_logout_uri: 'http://rp.example.com/bc',
      });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual({
      backchannel_logout_uri: [
        'backchannel_logout_uri must use https (http is allowed only for localhost, 127.0.0.1 and [::1])',
      ],
    });
  });
});
