import request from 'supertest';
import { createUser, STRONG_PASSWORD } from './factories';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('admin users', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('should create a user without ever returning the password when the body is valid', async () => {
    const res = await createUser(t.server, {
      username: 'Alice',
      email: 'alice@example.com',
      name: 'Alice Liddell',
    }).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      username: 'alice',
      email: 'alice@example.com',
      name: 'Alice Liddell',
      role: 'user',
      enabled: true,
      created_at: expect.stringMatching(ISO_DATE),
    });
  });

  it('should store an argon2id hash and not the password when a user is created', async () => {
    const { body } = await createUser(t.server, { username: 'hash-check' }).expect(201);
    const [row] = await t.dataSource.query('SELECT password_hash FROM users WHERE id = ?', [
      body.id,
    ]);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.password_hash).not.toContain(STRONG_PASSWORD);
  });

  it('should answer 409 when the username differs only by case', async () => {
    await createUser(t.server, { username: 'carol' }).expect(201);
    await createUser(t.server, { username: 'CAROL' }).expect(409, {
      statusCode: 409,
      error: 'Conflict',
      message: 'username is already taken',
    });
  });

  it('should create exactly one user when the same username is created concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => createUser(t.server, { username: 'racer' })),
    );
    expect(results.map((res) => res.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it.each([
    [
      { password: 'password1' },
      'password',
      'password is too common; choose a less predictable one',
    ],
    [{ password: 'short' }, 'password', 'password must be at least 8 characters long'],
    [{ password: 'x'.repeat(1025) }, 'password', 'password must be at most 1024 characters long'],
    [
      { username: 'pw-is-name', password: 'PW-IS-NAME' },
      'password',
      'password must not be the username',
    ],
    [
      { username: 'a b' },
      'username',
      'username must be 3 to 64 characters: letters, digits and . _ @ + -, starting with a letter or digit',
    ],
    [{ email: 'not-an-email' }, 'email', 'email must be an email'],
    [{ role: 'root' }, 'role', 'role must be one of the following values: user, admin'],
    [{ enabled: 'true' }, 'enabled', 'enabled must be a boolean value'],
    [{ password: 12345678 }, 'password', 'password must be a string'],
  ])(
    'should answer 400 with a field message when the body is %j',
    async (fields, field, message) => {
      const res = await createUser(t.server, { username: 'validation', ...fields }).expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: `Invalid ${field}`,
        fields: { [field]: [message] },
      });
    },
  );

  it('should keep spaces in a password as typed when it is set', async () => {
    const { body } = await createUser(t.server, {
      username: 'spaces',
      password: `  ${STRONG_PASSWORD}  `,
    }).expect(201);
    const [row] = await t.dataSource.query('SELECT password_hash FROM users WHERE id = ?', [
      body.id,
    ]);
    const { verifyPassword } = await import('../src/users/password');
    await expect(verifyPassword(row.password_hash, `  ${STRONG_PASSWORD}  `)).resolves.toBe(true);
    await expect(verifyPassword(row.password_hash, STRONG_PASSWORD)).resolves.toBe(false);
  });

  it('should read, list, update and delete a user', async () => {
    const { body: created } = await createUser(t.server, { username: 'dave' }).expect(201);
    await request(t.server).get(`/admin/users/${created.id}`).set(adminAuth).expect(200, created);

    const { body: list } = await request(t.server).get('/admin/users').set(adminAuth).expect(200);
    expect(list).toContainEqual(created);

    const { body: updated } = await request(t.server)
      .patch(`/admin/users/${created.id}`)
      .set(adminAuth)
      .send({ role: 'admin', enabled: false, email: 'dave@example.com', name: null })
      .expect(200);
    expect(updated).toEqual({
      ...created,
      role: 'admin',
      enabled: false,
      email: 'dave@example.com',
    });

    await request(t.server).delete(`/admin/users/${created.id}`).set(adminAuth).expect(204, '');
    await request(t.server)
      .get(`/admin/users/${created.id}`)
      .set(adminAuth)
      .expect(404, { statusCode: 404, error: 'Not Found', message: 'user not found' });
  });

  it('should replace the password hash when a patch sets a new password', async () => {
    const { body: created } = await createUser(t.server, { username: 'erin' }).expect(201);
    const [before] = await t.dataSource.query('SELECT password_hash FROM users WHERE id = ?', [
      created.id,
    ]);
    await request(t.server)
      .patch(`/admin/users/${created.id}`)
      .set(adminAuth)
      .send({ password: 'another-quiet-harbour-7' })
      .expect(200);
    const [after] = await t.dataSource.query('SELECT password_hash FROM users WHERE id = ?', [
      created.id,
    ]);
    expect(after.password_hash).not.toBe(before.password_hash);
  });

  it.each([
    [{ role: null }, 'role', 'role must be one of the following values: user, admin'],
    [
      { password: 'qwerty123' },
      'password',
      'password is too common; choose a less predictable one',
    ],
    [{ username: null }, 'username', 'username must be a string'],
  ])('should answer 400 when a patch is %j', async (fields, field, message) => {
    const { body: created } = await createUser(t.server, { username: `patch-${field}` }).expect(
      201,
    );
    const res = await request(t.server)
      .patch(`/admin/users/${created.id}`)
      .set(adminAuth)
      .send(fields)
      .expect(400);
    expect(res.body.fields).toEqual({ [field]: [message] });
  });

  it('should answer 409 when a patch renames a user to a taken username', async () => {
    await createUser(t.server, { username: 'frank' }).expect(201);
    const { body: grace } = await createUser(t.server, { username: 'grace' }).expect(201);
    await request(t.server)
      .patch(`/admin/users/${grace.id}`)
      .set(adminAuth)
      .send({ username: 'Frank' })
      .expect(409);
  });

  it.each(['get', 'patch', 'delete'] as const)(
    'should answer 404 when %s targets an unknown user',
    async (method) => {
      await request(t.server)
        [method]('/admin/users/00000000-0000-4000-8000-000000000000')
        .set(adminAuth)
        .send({})
        .expect(404, { statusCode: 404, error: 'Not Found', message: 'user not found' });
    },
  );
});
