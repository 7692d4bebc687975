import request from 'supertest';
import { createClient, createUser, STRONG_PASSWORD } from './factories';
import { Browser } from './helpers/browser';
import { auditEvents, registerInPortal, review } from './helpers/developer';
import { createTestApp, TestApp } from './helpers/test-app';

// GET /admin/audit: what happened to applications and consents, newest first, filtered and paged.
describe('audit trail', () => {
  let t: TestApp;
  let aliceId: string;
  let bobId: string;
  let aliceApp: string;
  let bobApp: string;
  let betweenEvents: string;

  const types = (body: { type: string }[]) => body.map((event) => event.type);

  beforeAll(async () => {
    t = await createTestApp();
    aliceId = (await createUser(t.server, { username: 'alice' }).expect(201)).body.id;
    bobId = (await createUser(t.server, { username: 'bob' }).expect(201)).body.id;
    const alice = new Browser(t.server);
    await alice.signIn('alice', STRONG_PASSWORD);
    aliceApp = (await registerInPortal(alice)).clientId;
    await review(t.server, aliceApp, 'approve').expect(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    betweenEvents = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const bob = new Browser(t.server);
    await bob.signIn('bob', STRONG_PASSWORD);
    bobApp = (await registerInPortal(bob)).clientId;
    await review(t.server, bobApp, 'reject', { reason: 'Duplicate' }).expect(200);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should list every event newest first', async () => {
    const res = await auditEvents(t.server).expect(200);
    expect(types(res.body)).toEqual([
      'client.rejected',
      'client.created',
      'client.approved',
      'client.created',
    ]);
  });

  it.each([
    ['user_id', () => ({ user_id: aliceId }), ['client.approved', 'client.created']],
    ['client_id', () => ({ client_id: bobApp }), ['client.rejected', 'client.created']],
    ['type', () => ({ type: 'client.created' }), ['client.created', 'client.created']],
    ['since', () => ({ since: betweenEvents }), ['client.rejected', 'client.created']],
    ['until', () => ({ until: betweenEvents }), ['client.approved', 'client.created']],
    [
      'several filters',
      () => ({ user_id: bobId, type: 'client.rejected', since: betweenEvents }),
      ['client.rejected'],
    ],
  ])('should filter by %s', async (_name, query, expected) => {
    const res = await auditEvents(t.server, query()).expect(200);
    expect(types(res.body)).toEqual(expected);
  });

  it('should match the user who acted as well as the user concerned', async () => {
    const admin = (await createUser(t.server, { username: 'root', role: 'admin' }).expect(201))
      .body;
    const console_ = await createClient(t.server, {
      grant_types: ['password'],
      redirect_uris: [],
      scope: 'admin',
    }).expect(201);
    const token = await request(t.server)
      .post('/oauth/token')
      .auth(console_.body.client_id, console_.body.client_secret)
      .type('form')
      .send({ grant_type: 'password', username: 'root', password: STRONG_PASSWORD, scope: 'admin' })
      .expect(200);
    await request(t.server)
      .post(`/admin/clients/${bobApp}/approve`)
      .auth(token.body.access_token, { type: 'bearer' })
      .send({ review_version: 1 })
      .expect(200);
    const res = await auditEvents(t.server, { user_id: admin.id }).expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({
        type: 'client.approved',
        actor_type: 'user',
        actor_user_id: admin.id,
        user_id: bobId,
      }),
    ]);
  });

  it('should page with limit and offset', async () => {
    const all = (await auditEvents(t.server).expect(200)).body as unknown[];
    const page = await auditEvents(t.server, { limit: '2', offset: '1' }).expect(200);
    expect(page.body).toEqual(all.slice(1, 3));
  });

  it.each([
    [{ type: 'client.exploded' }, 'type'],
    [{ since: 'yesterday' }, 'since'],
    [{ until: '2026-13-01' }, 'until'],
    [{ limit: '0' }, 'limit'],
    [{ offset: '-1' }, 'offset'],
    [{ actor: 'x' }, 'actor'],
  ])('should refuse %j with 400 naming %s', async (query, field) => {
    const res = await auditEvents(t.server, query);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields)).toEqual([field]);
  });

  it('should need the admin credentials', async () => {
    const res = await request(t.server).get('/admin/audit');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
  });
});
