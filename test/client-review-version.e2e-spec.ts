import request from 'supertest';
import { createClient, createUser } from './factories';
import { auditEvents, review } from './helpers/developer';
import { CALLBACK, passwordTokens, registerTrustedClient } from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

// An approval covers the version that was reviewed (SECURITY.md): every change to what operators
// review is a new review_version, a decision names the version it was made on, and a developer's
// change after an approval sends the application back for review.
describe('client review versions', () => {
  let t: TestApp;
  let developerToken: string;
  let next = 0;

  const editApp = (clientId: string, body: object) =>
    request(t.server)
      .patch(`/api/developer/apps/${clientId}`)
      .auth(developerToken, { type: 'bearer' })
      .send(body);
  const registerApp = async (): Promise<string> => {
    const res = await request(t.server)
      .post('/api/developer/apps')
      .auth(developerToken, { type: 'bearer' })
      .send({ client_name: 'Weather', redirect_uris: [CALLBACK], scope: 'profile' })
      .expect(201);
    return res.body.client_id as string;
  };
  const row = async (clientId: string) => {
    const [found] = await t.dataSource.query<{ status: string; review_version: number }[]>(
      'SELECT status, review_version FROM clients WHERE client_id = ?',
      [clientId],
    );
    return { status: found.status, review_version: Number(found.review_version) };
  };
  const adminGet = (clientId: string) =>
    request(t.server).get(`/admin/clients/${clientId}`).set(adminAuth).expect(200);
  const newUri = () => `https://app${++next}.example.com/cb`;
  const changed = (since: number, now: number) => ({
    statusCode: 409,
    error: 'Conflict',
    message: `client changed since review_version ${since} (now ${now}): review it again`,
  });

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'dev' }).expect(201);
    const tool = await registerTrustedClient(t.server, { scope: 'developer' });
    developerToken = (await passwordTokens(t.server, tool, { username: 'dev', scope: 'developer' }))
      .access_token;
  });
  afterAll(async () => {
    await t.close();
  });

  it('should refuse an approval of a version changed since the review was opened, then approve the current one', async () => {
    const clientId = await registerApp();
    expect((await adminGet(clientId)).body).toMatchObject({ status: 'pending', review_version: 1 });

    const moved = await editApp(clientId, { redirect_uris: ['https://evil.example.com/cb'] });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ status: 'pending', review_version: 2 });

    const stale = await review(t.server, clientId, 'approve', { review_version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual(changed(1, 2));
    expect(await row(clientId)).toEqual({ status: 'pending', review_version: 2 });

    const current = await review(t.server, clientId, 'approve', { review_version: 2 });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({
      status: 'approved',
      review_version: 2,
      redirect_uris: ['https://evil.example.com/cb'],
    });
    const events = await auditEvents(t.server, {
      client_id: clientId,
      type: 'client.approved',
    }).expect(200);
    expect((events.body as { details: unknown }[]).map((event) => event.details)).toEqual([
      { review_version: '2' },
    ]);
  });

  it('should send an approved application back to pending as a new version when it changes, and keep it approved when nothing reviewed changes', async () => {
    const clientId = await registerApp();
    await review(t.server, clientId, 'approve', { review_version: 1 }).expect(200);

    const described = await editApp(clientId, {
      description: 'Only words',
      redirect_uris: [CALLBACK],
    });
    expect(described.body).toMatchObject({ status: 'approved', review_version: 1 });

    const moved = await editApp(clientId, { redirect_uris: [CALLBACK, newUri()] });
    expect(moved.body).toMatchObject({ status: 'pending', review_version: 2 });
    expect(await row(clientId)).toEqual({ status: 'pending', review_version: 2 });
  });

  it('should send a rejected application back to pending when it changes, and refuse a rejection of an older version', async () => {
    const clientId = await registerApp();
    await review(t.server, clientId, 'reject', { review_version: 1, reason: 'No' }).expect(200);
    const moved = await editApp(clientId, { redirect_uris: [newUri()] });
    expect(moved.body).toMatchObject({
      status: 'pending',
      review_version: 2,
      rejection_reason: null,
    });

    const stale = await review(t.server, clientId, 'reject', {
      review_version: 1,
      reason: 'Still no',
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual(changed(1, 2));
    expect(await row(clientId)).toEqual({ status: 'pending', review_version: 2 });
  });

  it("should count an operator's own edit as a new version without changing the status", async () => {
    const clientId = await registerApp();
    const edited = await request(t.server)
      .patch(`/admin/clients/${clientId}`)
      .set(adminAuth)
      .send({ post_logout_redirect_uris: ['https://weather.example.com/bye'] });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'pending', review_version: 2 });
    await review(t.server, clientId, 'approve', { review_version: 1 }).expect(409);

    const own = await createClient(t.server).expect(201);
    const renamed = await request(t.server)
      .patch(`/admin/clients/${own.body.client_id}`)
      .set(adminAuth)
      .send({ client_name: 'Renamed', enabled: true });
    expect(renamed.body).toMatchObject({ status: 'approved', review_version: 2 });
    const disabled = await request(t.server)
      .patch(`/admin/clients/${own.body.client_id}`)
      .set(adminAuth)
      .send({ enabled: false });
    expect(disabled.body).toMatchObject({ status: 'approved', review_version: 2, enabled: false });
  });

  it.each([
    { name: 'missing', body: {}, message: 'review_version must be an integer number' },
    {
      name: 'a string',
      body: { review_version: '1' },
      message: 'review_version must be an integer number',
    },
    {
      name: 'a fraction',
      body: { review_version: 1.5 },
      message: 'review_version must be an integer number',
    },
    {
      name: 'null',
      body: { review_version: null },
      message: 'review_version must be an integer number',
    },
    {
      name: 'zero',
      body: { review_version: 0 },
      message: 'review_version must not be less than 1',
    },
  ])('should answer 400 naming review_version when it is $name', async ({ body, message }) => {
    const clientId = await registerApp();
    for (const decision of ['approve', 'reject'] as const) {
      const res = await request(t.server)
        .post(`/admin/clients/${clientId}/${decision}`)
        .set(adminAuth)
        .send(decision === 'reject' ? { ...body, reason: 'No' } : body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Invalid review_version',
        fields: { review_version: [message] },
      });
    }
    expect(await row(clientId)).toEqual({ status: 'pending', review_version: 1 });
  });

  it('should never leave an application approved at a version other than the one approved when approvals race an edit', async () => {
    const clientId = await registerApp();
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    for (let round = 0; round < 8; round++) {
      const { review_version: version } = await row(clientId);
      // Approvals spread over the edit's lifetime, so some land between its read and its write.
      const [edit, ...approvals] = await Promise.all([
        editApp(clientId, { redirect_uris: [newUri()] }),
        ...[0, 2, 4, 6, 8, 12].map((ms) =>
          later(ms).then(() => review(t.server, clientId, 'approve', { review_version: version })),
        ),
      ]);
      expect(edit.status).toBe(200);
      for (const approval of approvals) {
        expect([200, 409]).toContain(approval.status);
        if (approval.status === 200) {
          expect(approval.body.review_version).toBe(version);
        }
      }
      // Whichever came first, the edit is a version nobody approved.
      expect(await row(clientId)).toEqual({ status: 'pending', review_version: version + 1 });
    }
  });
});
