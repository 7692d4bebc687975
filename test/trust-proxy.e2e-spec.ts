import request from 'supertest';
import { LoginAttempt } from '../src/users/login-attempt.entity';
import { createUser } from './factories';
import { registerTrustedClient, tokenRequest } from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const CLIENT = '203.0.113.7';

// TRUST_PROXY: which peers' X-Forwarded-For names the client address used by login throttling
// (shared by the password grant) and the audit trail.
describe('TRUST_PROXY', () => {
  let t: TestApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  // A failed password grant and an audited admin action, both sent with X-Forwarded-For; the
  // addresses they were counted against and recorded with.
  async function addressesSeen(env: Record<string, string>) {
    t = await createTestApp(env);
    await createUser(t.server, { username: 'alice' }).expect(201);
    const client = await registerTrustedClient(t.server);
    await tokenRequest(t.server, client, {
      grant_type: 'password',
      username: 'alice',
      password: 'wrong-password-here',
    })
      .set('X-Forwarded-For', `198.51.100.1, ${CLIENT}`)
      .expect(400);
    await request(t.server)
      .post(`/admin/clients/${client.id}/secret`)
      .set(adminAuth)
      .set('X-Forwarded-For', CLIENT)
      .expect(200);
    const attempts = await t.dataSource.getRepository(LoginAttempt).find();
    const { body: events } = await request(t.server)
      .get('/admin/audit?type=client.secret_rotated')
      .set(adminAuth)
      .expect(200);
    return {
      throttled: attempts.map((row) => row.key).filter((key) => key.startsWith('ip:')),
      audited: (events as { ip: string }[]).map((event) => event.ip),
    };
  }

  it('should ignore X-Forwarded-For when TRUST_PROXY is not set', async () => {
    const seen = await addressesSeen({});
    expect(seen.throttled).toEqual([expect.stringMatching(/^ip:(::ffff:)?127\.0\.0\.1$/)]);
    expect(seen.audited).toEqual([expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/)]);
  });

  it('should take the client from X-Forwarded-For when the peer is a trusted proxy', async () => {
    const seen = await addressesSeen({ TRUST_PROXY: '127.0.0.1, ::1' });
    expect(seen).toEqual({ throttled: [`ip:${CLIENT}`], audited: [CLIENT] });
  });

  it('should trust a proxy given as a CIDR', async () => {
    const seen = await addressesSeen({ TRUST_PROXY: '127.0.0.0/8,::1/128' });
    expect(seen).toEqual({ throttled: [`ip:${CLIENT}`], audited: [CLIENT] });
  });

  it('should ignore a spoofed X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const seen = await addressesSeen({ TRUST_PROXY: '10.0.0.1' });
    expect(seen.throttled).toEqual([expect.stringMatching(/^ip:(::ffff:)?127\.0\.0\.1$/)]);
    expect(seen.audited).toEqual([expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/)]);
  });

  it('should keep the issuer whatever X-Forwarded-Host and -Proto say', async () => {
    t = await createTestApp({ TRUST_PROXY: '127.0.0.1, ::1' });
    const res = await request(t.server)
      .get('/.well-known/oauth-authorization-server')
      .set('X-Forwarded-Host', 'evil.example')
      .set('X-Forwarded-Proto', 'https')
      .expect(200);
    expect(res.body.issuer).toBe('http://localhost:3000');
    expect(res.body.token_endpoint).toBe('http://localhost:3000/oauth/token');
  });
});
