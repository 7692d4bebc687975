import request from 'supertest';
import { sha256Hex } from '../src/common/crypto';
import { createClient } from './factories';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CLIENT_ID = /^[A-Za-z0-9_-]{22}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

describe('admin clients', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('request bodies', () => {
    const post = (contentType: string, body: string) =>
      request(t.server)
        .post('/admin/clients')
        .set(adminAuth)
        .set('Content-Type', contentType)
        .send(body);
    const countClients = async () =>
      Number(
        (await t.dataSource.query<{ n: unknown }[]>('SELECT COUNT(*) AS n FROM clients'))[0].n,
      );

    it('should answer malformed JSON with 400 and store nothing', async () => {
      const before = await countClients();
      const res = await post('application/json', '{"client_name": ');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, message: expect.any(String) });
      expect(await countClients()).toBe(before);
    });

    it('should refuse JSON that names __proto__ with 400', async () => {
      const res = await post(
        'application/json',
        '{"client_name":"x","redirect_uris":["https://a.example.com/cb"],"__proto__":{"is_admin":true}}',
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, message: expect.any(String) });
    });

    it('should answer a JSON body in another charset than UTF-8 with 415', async () => {
      const res = await post('application/json; charset=latin1', '{"client_name":"x"}');
      expect(res.status).toBe(415);
      expect(res.body).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: 'the body must be UTF-8',
      });
    });

    it('should read an empty JSON body as no body: the missing field is named', async () => {
      const res = await post('application/json', '');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Invalid client_name',
        fields: { client_name: expect.any(Array) },
      });
    });

    it('should answer a body over 100 KiB with 413 and store nothing', async () => {
      const before = await countClients();
      const res = await post(
        'application/json',
        JSON.stringify({
          client_name: 'x',
          redirect_uris: ['https://a.example.com/cb'],
          description: 'a'.repeat(101 * 1024),
        }),
      );
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ statusCode: 413, message: expect.any(String) });
      expect(await countClients()).toBe(before);
    });
  });

  describe('POST /admin/clients', () => {
    it('should create a confidential client with defaults and return its secret once', async () => {
      const res = await createClient(t.server)
        .expect(201)
        .expect('Content-Type', /json/)
        .expect('Cache-Control', 'no-store')
        .expect('Pragma', 'no-cache');
      expect(res.body).toEqual({
        client_id: expect.stringMatching(CLIENT_ID),
        client_secret: expect.stringMatching(SECRET),
        client_name: 'Acme Dashboard',
        redirect_uris: ['https://app.example.com/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'profile email',
        token_endpoint_auth_method: 'client_secret_basic',
        access_token_format: 'opaque',
        require_pkce: true,
        id_token_signed_response_alg: 'RS256',
        post_logout_redirect_uris: [],
        backchannel_logout_uri: null,
        backchannel_logout_session_required: false,
        allowed_origins: [],
        skip_consent: false,
        introspection_allowed: false,
        enabled: true,
        status: 'approved',
        owner_id: null,
        client_uri: null,
        description: null,
        rejection_reason: null,
        review_version: 1,
        created_at: expect.stringMatching(ISO_DATE),
      });
    });

    it('should store only the SHA-256 of the secret when a client is created', async () => {
      const { body } = await createClient(t.server).expect(201);
      const rows: Record<string, unknown>[] = await t.dataSource.query(
        'SELECT * FROM clients WHERE client_id = ?',
        [body.client_id],
      );
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows[0])).not.toContain(body.client_secret);
      expect(rows[0].secret_hash).toBe(sha256Hex(body.client_secret));
    });

    it('should create a public client without a secret when the auth method is none', async () => {
      const res = await createClient(t.server, {
        client_name: 'SPA',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://localhost:5173/callback'],
        allowed_origins: ['http://localhost:5173'],
        access_token_format: 'jwt',
      }).expect(201);
      expect(res.body).not.toHaveProperty('client_secret');
      expect(res.body).toMatchObject({
        token_endpoint_auth_method: 'none',
        allowed_origins: ['http://localhost:5173'],
        access_token_format: 'jwt',
        require_pkce: true,
        id_token_signed_response_alg: 'RS256',
        post_logout_redirect_uris: [],
        backchannel_logout_uri: null,
        backchannel_logout_session_required: false,
      });
    });

    it.each([
      [
        { redirect_uris: ['http://app.example.com/cb'] },
        'redirect_uris',
        'redirect_uris [0] must use https (http is allowed only for localhost, 127.0.0.1 and [::1])',
      ],
      [
        { redirect_uris: ['https://app.example.com/cb#frag'] },
        'redirect_uris',
        'redirect_uris [0] must not contain a fragment',
      ],
      [
        { redirect_uris: ['/callback'] },
        'redirect_uris',
        'redirect_uris [0] must be an absolute URL',
      ],
      [
        { redirect_uris: ['https://user:pw@app.example.com/cb'] },
        'redirect_uris',
        'redirect_uris [0] must not contain user information',
      ],
      [
        { redirect_uris: 'https://app.example.com/cb' },
        'redirect_uris',
        'redirect_uris must be an array',
      ],
      [
        { grant_types: ['implicit'] },
        'grant_types',
        'each value in grant_types must be one of the following values: authorization_code, refresh_token, password, client_credentials',
      ],
      [
        { scope: 'profile  email' },
        'scope',
        'scope must be scope tokens separated by single spaces (RFC 6749 §3.3)',
      ],
      [
        { scope: 'say"hi"' },
        'scope',
        'scope must be scope tokens separated by single spaces (RFC 6749 §3.3)',
      ],
      [
        { token_endpoint_auth_method: 'tls_client_auth' },
        'token_endpoint_auth_method',
        'token_endpoint_auth_method must be one of the following values: client_secret_basic, client_secret_post, private_key_jwt, none',
      ],
      [
        { access_token_format: 'paseto' },
        'access_token_format',
        'access_token_format must be one of the following values: opaque, jwt',
      ],
      [
        { allowed_origins: ['https://app.example.com/'] },
        'allowed_origins',
        'allowed_origins [0] must be an origin such as https://app.example.com (scheme, host and port only)',
      ],
      [{ require_pkce: 'yes' }, 'require_pkce', 'require_pkce must be a boolean value'],
      [{ enabled: null }, 'enabled', 'enabled must be a boolean value'],
      [
        { client_name: '' },
        'client_name',
        'client_name must be longer than or equal to 1 characters',
      ],
      [
        { redirect_uri: 'https://typo.example.com' },
        'redirect_uri',
        'property redirect_uri should not exist',
      ],
    ])(
      'should answer 400 with a field message when the body is %j',
      async (fields, field, message) => {
        const res = await createClient(t.server, fields).expect(400);
        expect(res.body).toEqual({
          statusCode: 400,
          error: 'Bad Request',
          message: `Invalid ${field}`,
          fields: { [field]: [message] },
        });
      },
    );

    it.each([
      [
        { token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'password'] },
        {
          grant_types: [
            'public clients (token_endpoint_auth_method none) cannot use the password grant',
          ],
        },
      ],
      [
        { token_endpoint_auth_method: 'none', require_pkce: false },
        { require_pkce: ['public clients always require PKCE'] },
      ],
      [
        { token_endpoint_auth_method: 'none', introspection_allowed: true },
        { introspection_allowed: ['public clients cannot authenticate to introspect tokens'] },
      ],
      [
        { redirect_uris: [] },
        {
          redirect_uris: ['at least one redirect URI is required for the authorization_code grant'],
        },
      ],
      [
        { grant_types: ['refresh_token'] },
        { grant_types: ['must include authorization_code, password or client_credentials'] },
      ],
      [
        { grant_types: [] },
        {
          grant_types: [
            'may be empty only for a resource server that introspects tokens (introspection_allowed true)',
          ],
        },
      ],
    ])(
      'should answer 400 when the metadata breaks a cross-field rule: %j',
      async (fields, expected) => {
        const res = await createClient(t.server, fields).expect(400);
        expect(res.body.fields).toEqual(expected);
      },
    );

    it('should allow a confidential client with only the password grant and no redirect URIs', async () => {
      const res = await createClient(t.server, {
        grant_types: ['password'],
        redirect_uris: [],
      }).expect(201);
      expect(res.body.grant_types).toEqual(['password']);
    });

    it('should create a resource server with no redirect URI and no grant when introspection_allowed is set', async () => {
      const res = await request(t.server)
        .post('/admin/clients')
        .set(adminAuth)
        .send({ client_name: 'Orders API', introspection_allowed: true })
        .expect(201);
      expect(res.body).toMatchObject({
        redirect_uris: [],
        grant_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
        introspection_allowed: true,
        client_secret: expect.any(String),
      });
    });

    it('should keep the default grants for an introspecting client that has a redirect URI', async () => {
      const res = await createClient(t.server, { introspection_allowed: true }).expect(201);
      expect(res.body.grant_types).toEqual(['authorization_code', 'refresh_token']);
    });

    it('should refuse to take introspection_allowed from a client that has no grant', async () => {
      const { body } = await request(t.server)
        .post('/admin/clients')
        .set(adminAuth)
        .send({ client_name: 'Orders API', introspection_allowed: true })
        .expect(201);
      const res = await request(t.server)
        .patch(`/admin/clients/${body.client_id}`)
        .set(adminAuth)
        .send({ introspection_allowed: false })
        .expect(400);
      expect(res.body.fields).toEqual({
        grant_types: [
          'may be empty only for a resource server that introspects tokens (introspection_allowed true)',
        ],
      });
    });
  });

  describe('reading, updating and deleting', () => {
    it('should never return the secret when a client is read or listed', async () => {
      const { body: created } = await createClient(t.server).expect(201);
      const { body: read } = await request(t.server)
        .get(`/admin/clients/${created.client_id}`)
        .set(adminAuth)
        .expect(200);
      const { client_secret: secret, ...withoutSecret } = created;
      expect(read).toEqual(withoutSecret);
      const { body: list } = await request(t.server)
        .get('/admin/clients')
        .set(adminAuth)
        .expect(200);
      expect(list).toContainEqual(withoutSecret);
      expect(JSON.stringify(list)).not.toContain(secret);
    });

    it('should page through clients when limit and offset are given', async () => {
      const { body: all } = await request(t.server)
        .get('/admin/clients')
        .set(adminAuth)
        .expect(200);
      const { body: page } = await request(t.server)
        .get('/admin/clients?limit=1&offset=1')
        .set(adminAuth)
        .expect(200);
      expect(page).toEqual([all[1]]);
    });

    it('should answer 400 when the paging query is invalid', async () => {
      const res = await request(t.server).get('/admin/clients?limit=0').set(adminAuth).expect(400);
      expect(res.body.fields).toEqual({ limit: ['limit must not be less than 1'] });
    });

    it.each(['/admin/clients', '/admin/users', '/admin/audit'])(
      'should answer 400 naming offset when it is beyond any table (%s)',
      async (path) => {
        for (const offset of ['99999999999999999999', '1000000001']) {
          const res = await request(t.server)
            .get(`${path}?offset=${offset}`)
            .set(adminAuth)
            .expect(400);
          expect(res.body.fields).toEqual({
            offset: ['offset must not be greater than 1000000000'],
          });
        }
        await request(t.server).get(`${path}?offset=1000000000`).set(adminAuth).expect(200, []);
      },
    );

    it.each([
      ['/admin/clients', 'redirect_uris'],
      ['/admin/users', 'username'],
    ])('should answer 400 to a JSON body nested 3000 deep (%s)', async (path, field) => {
      const nested = `{"${field}":${'['.repeat(3000)}${']'.repeat(3000)}}`;
      const res = await request(t.server)
        .post(path)
        .set(adminAuth)
        .set('Content-Type', 'application/json')
        .send(nested)
        .expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'the JSON body is nested more than 32 levels deep',
      });
    });

    it.each([
      ['redirect_uris', { redirect_uris: ['https://app.example.com/cb\r\nX-Injected: 1'] }],
      ['redirect_uris', { redirect_uris: ['https://app.example.com/c b'] }],
      ['client_uri', { client_uri: 'https://app.example.com/\u0000home' }],
    ])('should refuse a %s with spaces or control characters (%o)', async (field, fields) => {
      const res = await createClient(t.server, fields).expect(400);
      expect(res.body.fields[field]).toEqual([
        expect.stringMatching(/must not contain spaces or control characters$/),
      ]);
      const list = await request(t.server).get('/admin/clients').set(adminAuth).expect(200);
      expect(JSON.stringify(list.body)).not.toMatch(/\\u0000|\\r|c b/);
    });

    it('should update only the given fields when a client is patched', async () => {
      const { body: created } = await createClient(t.server).expect(201);
      const res = await request(t.server)
        .patch(`/admin/clients/${created.client_id}`)
        .set(adminAuth)
        .send({
          client_name: 'Renamed',
          enabled: false,
          redirect_uris: ['https://new.example.com/cb'],
        })
        .expect(200);
      const { client_secret, ...before } = created;
      expect(res.body).toEqual({
        ...before,
        client_name: 'Renamed',
        enabled: false,
        redirect_uris: ['https://new.example.com/cb'],
        // A new name and redirect URI are a new version for review.
        review_version: 2,
      });
    });

    it('should answer 400 and change nothing when a patch breaks a rule', async () => {
      const { body: created } = await createClient(t.server).expect(201);
      await request(t.server)
        .patch(`/admin/clients/${created.client_id}`)
        .set(adminAuth)
        .send({ client_name: 'Renamed', token_endpoint_auth_method: 'none' })
        .expect(400)
        .expect((res) =>
          expect(res.body.fields).toEqual({
            token_endpoint_auth_method: [
              'cannot switch between a public client (none) and a confidential one; create a new client',
            ],
          }),
        );
      const { body: read } = await request(t.server)
        .get(`/admin/clients/${created.client_id}`)
        .set(adminAuth)
        .expect(200);
      expect(read.client_name).toBe('Acme Dashboard');
    });

    it('should answer 400 when a patch sets a non-nullable field to null', async () => {
      const { body: created } = await createClient(t.server).expect(201);
      const res = await request(t.server)
        .patch(`/admin/clients/${created.client_id}`)
        .set(adminAuth)
        .send({ client_name: null })
        .expect(400);
      expect(res.body.fields).toEqual({
        client_name: ['client_name must be a string'],
      });
    });

    it('should rotate the secret so that only the new one matches when rotation is requested', async () => {
      const { body: created } = await createClient(t.server).expect(201);
      const res = await request(t.server)
        .post(`/admin/clients/${created.client_id}/secret`)
        .set(adminAuth)
        .expect(200);
      expect(res.body.client_secret).toMatch(SECRET);
      expect(res.body.client_secret).not.toBe(created.client_secret);
      const [row] = await t.dataSource.query(
        'SELECT secret_hash FROM clients WHERE client_id = ?',
        [created.client_id],
      );
      expect(row.secret_hash).toBe(sha256Hex(res.body.client_secret));
    });

    it('should answer 400 when rotating the secret of a public client', async () => {
      const { body: created } = await createClient(t.server, {
        token_endpoint_auth_method: 'none',
      }).expect(201);
      const res = await request(t.server)
        .post(`/admin/clients/${created.client_id}/secret`)
        .set(adminAuth)
        .expect(400);
      expect(res.body.fields).toEqual({
        token_endpoint_auth_method: ['public clients (none) have no secret to rotate'],
      });
    });

    it('should delete a client and answer 404 afterwards', async () => {
      const { body: created } = await createClient(t.server).expect(201);
      await request(t.server)
        .delete(`/admin/clients/${created.client_id}`)
        .set(adminAuth)
        .expect(204, '');
      await request(t.server)
        .get(`/admin/clients/${created.client_id}`)
        .set(adminAuth)
        .expect(404, { statusCode: 404, error: 'Not Found', message: 'client not found' });
    });

    it.each([
      ['get', ''],
      ['patch', ''],
      ['delete', ''],
      ['post', '/secret'],
    ] as const)('should answer 404 when %s targets an unknown client', async (method, suffix) => {
      await request(t.server)
        [method](`/admin/clients/no-such-client${suffix}`)
        .set(adminAuth)
        .send({})
        .expect(404, { statusCode: 404, error: 'Not Found', message: 'client not found' });
    });

    it('should treat client ids case-sensitively when the case differs', async () => {
      const { body: created } = await createClient(t.server).expect(201);
      const flipped = [...created.client_id]
        .map((c: string) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))
        .join('');
      await request(t.server).get(`/admin/clients/${flipped}`).set(adminAuth).expect(404);
    });
  });
});
