import request from 'supertest';
import { createUser } from './factories';
import { auditEvents, review } from './helpers/developer';
import {
  CALLBACK,
  insufficientScopeChallenge,
  passwordTokens,
  registerTrustedClient,
} from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

// The developer portal as JSON (/api/developer/apps), for access tokens with scope `developer`.
describe('developer API', () => {
  let t: TestApp;
  let aliceToken: string;
  let bobToken: string;
  let aliceId: string;
  // The first-party tool whose tokens the developers use.
  let toolId: string;

  const api = (token: string) => ({
    get: (path = '') =>
      request(t.server).get(`/api/developer/apps${path}`).auth(token, { type: 'bearer' }),
    post: (path = '', body: object = {}) =>
      request(t.server)
        .post(`/api/developer/apps${path}`)
        .auth(token, { type: 'bearer' })
        .send(body),
    patch: (path: string, body: object) =>
      request(t.server)
        .patch(`/api/developer/apps${path}`)
        .auth(token, { type: 'bearer' })
        .send(body),
    delete: (path: string) =>
      request(t.server).delete(`/api/developer/apps${path}`).auth(token, { type: 'bearer' }),
  });
  const app = { client_name: 'CLI Helper', redirect_uris: [CALLBACK], scope: 'profile' };

  beforeAll(async () => {
    t = await createTestApp();
    aliceId = (await createUser(t.server, { username: 'alice' }).expect(201)).body.id;
    await createUser(t.server, { username: 'bob' }).expect(201);
    const tool = await registerTrustedClient(t.server, { scope: 'developer profile' });
    toolId = tool.id;
    aliceToken = (await passwordTokens(t.server, tool, { scope: 'developer' })).access_token;
    bobToken = (await passwordTokens(t.server, tool, { username: 'bob', scope: 'developer' }))
      .access_token;
  });
  afterAll(async () => {
    await t.close();
  });

  it('should hold the 50-application limit when registrations race', async () => {
    await createUser(t.server, { username: 'carol' }).expect(201);
    const tool = await registerTrustedClient(t.server, { scope: 'developer' });
    const { access_token: carol } = await passwordTokens(t.server, tool, {
      username: 'carol',
      scope: 'developer',
    });
    for (let i = 0; i < 45; i++) {
      await api(carol).post('', app).expect(201);
    }
    const results = await Promise.all(Array.from({ length: 30 }, () => api(carol).post('', app)));
    const statuses = results.map((res) => res.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(5);
    expect(statuses.filter((status) => status === 409)).toHaveLength(25);
    const [owned] = await t.dataSource.query(
      'SELECT COUNT(*) AS n FROM clients c JOIN users u ON u.id = c.owner_id WHERE u.username = ?',
      ['carol'],
    );
    expect(Number(owned.n)).toBe(50);
  });

  it('should answer 401 without a token and 403 insufficient_scope without scope developer', async () => {
    const none = await request(t.server).get('/api/developer/apps');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
    const tool = await registerTrustedClient(t.server, { scope: 'profile' });
    const { access_token: profileOnly } = await passwordTokens(t.server, tool, {
      scope: 'profile',
    });
    const res = await api(profileOnly).get();
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'this route needs scope developer',
    });
    expect(res.headers['www-authenticate']).toBe(
      insufficientScopeChallenge('this route needs scope developer', 'developer'),
    );
  });

  it('should register a pending application owned by the token user, with its secret once', async () => {
    const res = await api(aliceToken).post('', { ...app, description: 'Helps' });
    expect(res.status).toBe(201);
    expect(res.headers).toMatchObject({ 'cache-control': 'no-store', pragma: 'no-cache' });
    expect(res.body).toMatchObject({
      client_id: expect.stringMatching(/^[\w-]{22}$/),
      client_secret: expect.stringMatching(/^[\w-]{43}$/),
      client_name: 'CLI Helper',
      description: 'Helps',
      status: 'pending',
      owner_id: aliceId,
      scope: 'profile',
      grant_types: ['authorization_code', 'refresh_token'],
    });
    const read = await api(aliceToken).get(`/${res.body.client_id}`).expect(200);
    expect(read.body.client_secret).toBeUndefined();
    const { body: events } = await auditEvents(t.server, { client_id: res.body.client_id });
    expect(events[0]).toMatchObject({
      type: 'client.created',
      actor_type: 'user',
      actor_user_id: aliceId,
      details: { status: 'pending', via_client_id: toolId },
    });
  });

  it.each([
    [{ ...app, grant_types: ['password'] }, 'grant_types', 'property grant_types should not exist'],
    [{ ...app, skip_consent: true }, 'skip_consent', 'property skip_consent should not exist'],
    [{ ...app, scope: 'profile admin' }, 'scope', 'may only include: profile, email'],
    [
      { ...app, redirect_uris: ['https://x.example.com/#f'] },
      'redirect_uris',
      'redirect_uris [0] must not contain a fragment',
    ],
    [
      { ...app, client_name: '' },
      'client_name',
      'client_name must be longer than or equal to 1 characters',
    ],
    [
      { ...app, redirect_uris: [] },
      'redirect_uris',
      'at least one redirect URI is required for the authorization_code grant',
    ],
  ])('should refuse %j with 400 naming %s, and store nothing', async (body, field, problem) => {
    const before = (await api(aliceToken).get()).body.length;
    const res = await api(aliceToken).post('', body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: `Invalid ${field}`,
      fields: { [field]: [problem] },
    });
    expect((await api(aliceToken).get()).body).toHaveLength(before);
  });

  describe('an application', () => {
    let clientId: string;

    beforeEach(async () => {
      clientId = (await api(aliceToken).post('', app).expect(201)).body.client_id;
    });

    it('should be listed and read by its owner only; for anyone else it does not exist', async () => {
      const mine = await api(aliceToken).get().expect(200);
      expect((mine.body as { client_id: string }[]).map((client) => client.client_id)).toContain(
        clientId,
      );
      const theirs = await api(bobToken).get().expect(200);
      expect(theirs.body).toEqual([]);
      for (const res of [
        await api(bobToken).get(`/${clientId}`),
        await api(bobToken).patch(`/${clientId}`, { description: 'mine' }),
        await api(bobToken).post(`/${clientId}/secret`),
        await api(bobToken).delete(`/${clientId}`),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body).toEqual({
          statusCode: 404,
          error: 'Not Found',
          message: 'application not found',
        });
      }
      await request(t.server).get(`/admin/clients/${clientId}`).set(adminAuth).expect(200);
    });

    it('should send an approved application back for approval when its redirect URIs change', async () => {
      await review(t.server, clientId, 'approve').expect(200);
      const described = await api(aliceToken).patch(`/${clientId}`, { description: 'Same URIs' });
      expect(described.body.status).toBe('approved');
      const moved = await api(aliceToken).patch(`/${clientId}`, {
        redirect_uris: ['https://elsewhere.example.com/cb'],
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({
        status: 'pending',
        redirect_uris: ['https://elsewhere.example.com/cb'],
      });
      const { body: events } = await auditEvents(t.server, {
        client_id: clientId,
        type: 'client.updated',
      });
      expect(events[0].details).toEqual({
        fields: ['redirect_uris'],
        previous_redirect_uris: [CALLBACK],
        redirect_uris: ['https://elsewhere.example.com/cb'],
        review_version: '2',
        status: 'pending',
        via_client_id: toolId,
      });
    });

    it('should take new redirect URIs and description, and refuse any other field', async () => {
      const res = await api(aliceToken).patch(`/${clientId}`, {
        description: 'Better',
        redirect_uris: ['https://app.example.com/new'],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        description: 'Better',
        redirect_uris: ['https://app.example.com/new'],
      });
      const renamed = await api(aliceToken).patch(`/${clientId}`, { client_name: 'Google' });
      expect(renamed.status).toBe(400);
      expect(renamed.body.fields).toEqual({
        client_name: ['property client_name should not exist'],
      });
    });

    it('should rotate the secret, and delete it', async () => {
      const rotated = await api(aliceToken).post(`/${clientId}/secret`).expect(200);
      expect(rotated.body.client_secret).toMatch(/^[\w-]{43}$/);
      expect(rotated.headers).toMatchObject({ 'cache-control': 'no-store', pragma: 'no-cache' });
      await api(aliceToken).delete(`/${clientId}`).expect(204);
      await api(aliceToken).get(`/${clientId}`).expect(404);
      await api(aliceToken).delete(`/${clientId}`).expect(404);
    });
  });

  it('should refuse to rotate the secret of a public application', async () => {
    const { body } = await api(aliceToken)
      .post('', { ...app, token_endpoint_auth_method: 'none' })
      .expect(201);
    expect(body.client_secret).toBeUndefined();
    const res = await api(aliceToken).post(`/${body.client_id}/secret`);
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual({
      token_endpoint_auth_method: ['public clients (none) have no secret to rotate'],
    });
  });
});
