import request from 'supertest';
import { Logger as TypeOrmLogger } from 'typeorm';
import { createUser, STRONG_PASSWORD } from './factories';
import { Browser, pkcePair } from './helpers/browser';
import {
  CALLBACK,
  clientPost,
  passwordTokens,
  refresh,
  registerClient,
  registerTrustedClient,
  tokenRequest,
} from './helpers/oauth';
import { createTestApp, TestApp } from './helpers/test-app';

// The statements each hot operation sends to the database, in order, as "VERB table". Every
// statement Portcullis runs goes through TypeORM's query runner, which hands it to the query
// logger just before the driver; a change that adds a statement to an operation fails here.
// The minimum of each operation, and why it is what it is, is written next to its code.
describe('statements per operation', () => {
  let t: TestApp;
  let sent: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    const logger = t.dataSource.logger;
    const counting: TypeOrmLogger = Object.create(logger) as TypeOrmLogger;
    counting.logQuery = (statement: string) => {
      sent.push(statement);
    };
    Object.assign(t.dataSource, { logger: counting });
  });
  afterAll(() => t.close());

  // "VERB table" of each statement sent while `operation` ran (after warming up with one run, so
  // that first-use work such as a key's creation is not counted). Left out: the back-channel
  // logout poller's read of its outbox (on a timer, not part of any request), and the switch of a
  // new pooled MySQL connection to READ COMMITTED (once per connection, not per operation).
  const statementsOf = async (operation: () => Promise<unknown>): Promise<string[]> => {
    sent = [];
    await operation();
    const statements = sent.map(shape).filter((statement) => statement !== null);
    sent = [];
    return statements;
  };

  it('refresh: the client with the token, its family and owner; the rotation (one compare-and-set) and the new tokens in one transaction', async () => {
    const trusted = await registerTrustedClient(t.server, { scope: 'profile email' });
    let { refresh_token } = await passwordTokens(t.server, trusted);
    const rotate = async () => {
      const res = await refresh(t.server, trusted, refresh_token).expect(200);
      refresh_token = (res.body as { refresh_token: string }).refresh_token;
    };
    await rotate();
    expect(await statementsOf(rotate)).toEqual([
      'SELECT clients + refresh_tokens + refresh_token_families + users',
      'BEGIN',
      'UPDATE refresh_token_families',
      'INSERT refresh_tokens',
      'INSERT access_tokens',
      'COMMIT',
    ]);
  });

  it('authorize (signed in, consent remembered): the session with its user, the client with the consent, the code; the exchange: the client with the code and its user, then the code spent and the tokens inserted in one transaction', async () => {
    const web = await registerClient(t.server, { scope: 'profile email' });
    const browser = new Browser(t.server);
    await browser.signIn('alice', STRONG_PASSWORD);
    const first = await browser.get(authorization(web.id).path);
    const requestId = String(first.headers.location).split('=')[1];
    await browser.get(String(first.headers.location));
    await browser
      .post('/consent', { csrf_token: browser.csrf, request: requestId, decision: 'approve' })
      .then((res) => expect(res.status).toBe(303));

    let code = '';
    let verifier = '';
    const authorize = async () => {
      const request = authorization(web.id);
      const res = await browser.get(request.path);
      expect(res.status).toBe(303);
      code = new URL(String(res.headers.location)).searchParams.get('code') ?? '';
      verifier = request.verifier;
    };
    const exchange = () =>
      tokenRequest(t.server, web, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
        code_verifier: verifier,
      }).expect(200);

    await authorize();
    await exchange();
    expect(await statementsOf(authorize)).toEqual([
      'SELECT sessions + users',
      'SELECT clients + consents',
      'INSERT authorization_codes',
    ]);
    expect(await statementsOf(exchange)).toEqual([
      'SELECT clients + authorization_codes + users',
      'BEGIN',
      'UPDATE authorization_codes',
      'INSERT access_tokens',
      'INSERT refresh_token_families',
      'INSERT refresh_tokens',
      'COMMIT',
    ]);
  });

  it('client_credentials: the client, its rate-limit window, the token (audited once an hour, in a transaction then)', async () => {
    const machine = await registerClient(t.server, {
      client_name: 'Machine',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scope: 'profile',
    });
    const issue = () =>
      tokenRequest(t.server, machine, { grant_type: 'client_credentials' }).expect(200);
    expect(await statementsOf(issue)).toEqual([
      'SELECT clients',
      'INSERT token_rate_limits',
      'BEGIN',
      'INSERT access_tokens',
      'INSERT audit_events',
      'COMMIT',
    ]);
    expect(await statementsOf(issue)).toEqual([
      'SELECT clients',
      'INSERT token_rate_limits',
      'INSERT access_tokens',
    ]);
  });

  it('password: the client, its rate-limit window, the attempt counted per address and account, the user (read again after the hash), both counters cleared in one statement, the tokens in one transaction', async () => {
    const trusted = await registerTrustedClient(t.server, { scope: 'profile email' });
    const grant = () => passwordTokens(t.server, trusted);
    await grant();
    expect(await statementsOf(grant)).toEqual([
      'SELECT clients',
      'INSERT token_rate_limits',
      'INSERT login_attempts',
      'INSERT login_attempts',
      'SELECT users',
      'SELECT users',
      'UPDATE login_attempts',
      'BEGIN',
      'INSERT access_tokens',
      'INSERT refresh_token_families',
      'INSERT refresh_tokens',
      'COMMIT',
    ]);
  });

  it('introspection and /api/me: the caller, then the token with its user and client in one read', async () => {
    const trusted = await registerTrustedClient(t.server, { scope: 'profile email' });
    const resourceServer = await registerClient(t.server, {
      client_name: 'Resource server',
      introspection_allowed: true,
    });
    const { access_token } = await passwordTokens(t.server, trusted);
    const introspect = () =>
      clientPost(t.server, '/oauth/introspect', resourceServer, { token: access_token }).expect(
        200,
      );
    const me = () =>
      request(t.server).get('/api/me').set('Authorization', `Bearer ${access_token}`).expect(200);
    expect(await statementsOf(introspect)).toEqual([
      'SELECT clients',
      'SELECT access_tokens + clients + users',
    ]);
    expect(await statementsOf(me)).toEqual(['SELECT access_tokens + clients + users']);
  });
});

// An authorization request with PKCE, and its verifier.
function authorization(clientId: string): { path: string; verifier: string } {
  const { verifier, challenge } = pkcePair();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope: 'profile email',
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return { path: `/oauth/authorize?${query.toString()}`, verifier };
}

// "VERB table" of a statement (a read lists the tables it joins); null for those left out (see
// statementsOf).
function shape(statement: string): string | null {
  const text = statement.replace(/\s+/g, ' ').trim();
  if (/^SET SESSION TRANSACTION ISOLATION LEVEL/i.test(text) || /backchannel_logouts/.test(text)) {
    return null;
  }
  if (/^(BEGIN|START TRANSACTION)/i.test(text)) {
    return 'BEGIN';
  }
  if (/^COMMIT/i.test(text)) {
    return 'COMMIT';
  }
  const verb = text.split(' ')[0].toUpperCase();
  const table = (pattern: RegExp) => pattern.exec(text)?.[1] ?? '?';
  if (verb === 'SELECT') {
    const tables = [...text.matchAll(/\b(?:FROM|JOIN) [`"]?(\w+)/gi)].map((match) => match[1]);
    return `SELECT ${tables.join(' + ')}`;
  }
  return `${verb} ${verb === 'UPDATE' ? table(/^UPDATE [`"]?(\w+)/i) : table(/\b(?:INTO|FROM) [`"]?(\w+)/i)}`;
}
