import { createClient, createUser } from './factories';
import { createTestApp, TestApp } from './helpers/test-app';
import { AuthorizationCode } from '../src/authorization/authorization-code.entity';
import { AuthorizationCodesService } from '../src/authorization/authorization-codes.service';
import { sha256Hex } from '../src/common/crypto';

// The code store the token endpoint redeems from: single use decided by one conditional UPDATE.
describe('authorization codes', () => {
  let t: TestApp;
  let codes: AuthorizationCodesService;
  let grant: Parameters<AuthorizationCodesService['issue']>[0];

  beforeAll(async () => {
    t = await createTestApp({ AUTH_CODE_TTL: '60' });
    codes = t.app.get(AuthorizationCodesService);
    const { body: user } = await createUser(t.server).expect(201);
    const { body: client } = await createClient(t.server).expect(201);
    grant = {
      clientId: client.client_id,
      userId: user.id,
      redirectUri: 'https://app.example.com/callback',
      redirectUriSent: true,
      scope: ['profile', 'email'],
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    };
  });
  afterAll(async () => {
    await t.close();
  });

  it('should store only the SHA-256 of a 256-bit code, with everything it is bound to', async () => {
    const before = Date.now();
    const code = await codes.issue(grant);
    expect(code).toMatch(/^[\w-]{43}$/);
    const row = await t.dataSource.getRepository(AuthorizationCode).findOneByOrFail({
      codeHash: sha256Hex(code),
    });
    expect(row).toMatchObject({
      clientId: grant.clientId,
      userId: grant.userId,
      redirectUri: grant.redirectUri,
      scope: 'profile email',
      codeChallenge: grant.codeChallenge,
      codeChallengeMethod: 'S256',
      consumedAt: null,
    });
    const ttl = row.expiresAt.getTime() - before;
    expect(ttl).toBeGreaterThanOrEqual(59_000);
    expect(ttl).toBeLessThanOrEqual(61_000);
  });

  it('should redeem a code once and report every later attempt as reuse', async () => {
    const code = await codes.issue(grant);
    const first = await codes.consume(code);
    expect(first).toMatchObject({ outcome: 'redeemed', code: { clientId: grant.clientId } });
    const second = await codes.consume(code);
    expect(second).toMatchObject({ outcome: 'reused' });
    if (first.outcome === 'redeemed' && second.outcome === 'reused') {
      expect(second.code.familyId).toBe(first.code.familyId);
    }
  });

  it('should compare code hashes byte for byte (binary collation on MySQL)', async () => {
    const code = await codes.issue(grant);
    const repository = t.dataSource.getRepository(AuthorizationCode);
    expect(await repository.findOneBy({ codeHash: sha256Hex(code).toUpperCase() })).toBeNull();
    expect(await repository.findOneBy({ codeHash: sha256Hex(code) })).not.toBeNull();
  });

  it('should report an unknown and an expired code as invalid', async () => {
    expect(await codes.consume('no-such-code')).toEqual({ outcome: 'invalid' });
    const code = await codes.issue(grant);
    await t.dataSource
      .getRepository(AuthorizationCode)
      .update({ codeHash: sha256Hex(code) }, { expiresAt: new Date(Date.now() - 1) });
    expect(await codes.consume(code)).toEqual({ outcome: 'invalid' });
  });

  it('should let exactly one of 20 parallel redemptions win, every time', async () => {
    for (let round = 0; round < 5; round += 1) {
      const code = await codes.issue(grant);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => codes.consume(code).then((result) => result.outcome)),
      );
      expect(outcomes.filter((outcome) => outcome === 'redeemed')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'reused')).toHaveLength(19);
    }
  });

  it('should leave the code unused when the transaction it was consumed in rolls back', async () => {
    const code = await codes.issue(grant);
    await expect(
      t.dataSource.transaction(async (manager) => {
        const result = await codes.consume(code, manager);
        expect(result.outcome).toBe('redeemed');
        throw new Error('token insert failed');
      }),
    ).rejects.toThrow('token insert failed');
    expect((await codes.consume(code)).outcome).toBe('redeemed');
  });
});
