import { ConfigService } from '@nestjs/config';
import { createHmac } from 'node:crypto';
import { CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Env } from '../config/env.validation';
import { isJwtShaped, JwtAccessTokens } from './jwt-access-tokens';
import { SigningKeysService, VerificationKey } from './signing-keys/signing-keys.service';
import { SigningAlgorithm } from './signing-keys/signing-rules';

const ISSUER = 'https://id.example.com';
const AUDIENCE = `${ISSUER}/api`;
const HOUR = 3600 * 1000;

type TestKey = VerificationKey & { privateKey: CryptoKey };

async function testKey(kid: string, alg: SigningAlgorithm): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, key: publicKey, privateKey, deactivatedAt: null, publishUntil: null };
}

// The signing-key service as JwtAccessTokens sees it: a signer and the published keys (which keys
// are published is SigningKeysService's to decide, and tested there).
function codecWith(signer: TestKey, published: TestKey[]) {
  const keys = {
    signer: () => Promise.resolve({ kid: signer.kid, alg: signer.alg, key: signer.privateKey }),
    verificationKey: (kid: string) =>
      Promise.resolve(published.find((candidate) => candidate.kid === kid) ?? null),
  } as unknown as SigningKeysService;
  const config = { get: () => ISSUER } as unknown as ConfigService<Env, true>;
  return new JwtAccessTokens(keys, config);
}

const content = (overrides: { expiresAt?: Date; audience?: string } = {}) => ({
  jti: '6f1c6a52-5d0e-4a39-9a39-3f7e2f6c1a10',
  sub: 'user-1',
  clientId: 'client-1',
  scope: 'profile email',
  issuedAt: new Date(Math.floor(Date.now() / 1000) * 1000),
  expiresAt: overrides.expiresAt ?? new Date(Date.now() + HOUR),
  audience: overrides.audience ?? null,
});

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const partsOf = (token: string) => {
  const [header, payload, signature] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
    signature,
  };
};

describe('JwtAccessTokens', () => {
  let es256: TestKey;
  let rs256: TestKey;
  let codec: JwtAccessTokens;

  beforeAll(async () => {
    es256 = await testKey('es-key', 'ES256');
    rs256 = await testKey('rs-key', 'RS256');
    codec = codecWith(es256, [es256, rs256]);
  });

  // A token signed by hand, for the claims and headers the server itself never produces.
  const signed = (
    key: TestKey,
    header: Record<string, unknown>,
    claims: Record<string, unknown> = {},
  ) => {
    const now = Math.floor(Date.now() / 1000);
    return (
      new SignJWT({
        iss: ISSUER,
        sub: 'user-1',
        aud: AUDIENCE,
        client_id: 'client-1',
        scope: 'profile',
        iat: now,
        exp: now + 3600,
        jti: 'jti-1',
        ...claims,
      })
        .setProtectedHeader({ alg: key.alg, typ: 'at+jwt', kid: key.kid, ...header })
        // Lets the test sign a header with this extension; the server knows none.
        .sign(key.privateKey, { crit: { 'exp-ext': true } })
    );
  };

  it('should sign an RFC 9068 token and verify it to its jti', async () => {
    const issued = content();
    const token = await codec.sign(issued);
    expect(isJwtShaped(token)).toBe(true);
    const { header, payload } = partsOf(token);
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'es-key' });
    expect(payload).toEqual({
      iss: ISSUER,
      sub: 'user-1',
      aud: AUDIENCE,
      client_id: 'client-1',
      scope: 'profile email',
      iat: issued.issuedAt.getTime() / 1000,
      exp: Math.floor(issued.expiresAt.getTime() / 1000),
      jti: issued.jti,
    });
    await expect(codec.verify(token)).resolves.toEqual({ jti: issued.jti, aud: AUDIENCE });
  });

  it('should verify tokens of every published key, RS256 included', async () => {
    const token = await codecWith(rs256, [rs256]).sign(content());
    expect(partsOf(token).header.alg).toBe('RS256');
    await expect(codec.verify(token)).resolves.toEqual({ jti: content().jti, aud: AUDIENCE });
  });

  it('should accept the media-type form of typ', async () => {
    await expect(codec.verify(await signed(es256, { typ: 'application/at+jwt' }))).resolves.toEqual(
      { jti: 'jti-1', aud: AUDIENCE },
    );
  });

  // Which API a token is for is checked against its row (AccessTokensService).
  it('should answer the audience of a token for a registered API', async () => {
    const token = await codec.sign(content({ audience: 'https://orders.example.com' }));
    await expect(codec.verify(token)).resolves.toEqual({
      jti: content().jti,
      aud: 'https://orders.example.com',
    });
  });

  it('should refuse an expired token', async () => {
    const token = await codec.sign(content({ expiresAt: new Date(Date.now() - 1000) }));
    await expect(codec.verify(token)).resolves.toBeNull();
  });

  it.each([
    ['another typ', { typ: 'JWT' }, {}],
    ['no typ', { typ: undefined }, {}],
    ['an unknown kid', { kid: 'someone-else' }, {}],
    ['no kid', { kid: undefined }, {}],
    ['another issuer', {}, { iss: 'https://evil.example.com' }],
    ['two audiences', {}, { aud: [AUDIENCE, 'https://api.example.com'] }],
    ['a token not yet valid', {}, { nbf: Math.floor(Date.now() / 1000) + 600 }],
    ['a critical header it does not know', { crit: ['exp-ext'], 'exp-ext': 1 }, {}],
  ])('should refuse %s', async (_, header, claims) => {
    await expect(codec.verify(await signed(es256, header, claims))).resolves.toBeNull();
  });

  it.each(['sub', 'client_id', 'scope', 'jti', 'exp', 'iat', 'aud', 'iss'])(
    'should refuse a token without %s',
    async (claim) => {
      await expect(
        codec.verify(await signed(es256, {}, { [claim]: undefined })),
      ).resolves.toBeNull();
    },
  );

  it('should refuse a token whose header names another algorithm than its key', async () => {
    // Signed with the RS256 key but claiming the ES256 key's kid.
    await expect(codec.verify(await signed(rs256, { kid: 'es-key' }))).resolves.toBeNull();
  });

  it('should refuse alg none', async () => {
    const { header, payload } = partsOf(await codec.sign(content()));
    const token = `${encode({ ...header, alg: 'none' })}.${encode(payload)}.`;
    await expect(codec.verify(token)).resolves.toBeNull();
  });

  it('should refuse HS256 keyed with the public key (algorithm confusion)', async () => {
    const { header, payload } = partsOf(await codec.sign(content()));
    const input = `${encode({ ...header, alg: 'HS256' })}.${encode(payload)}`;
    const publicJwk = JSON.stringify(await exportJWK(es256.key));
    const mac = createHmac('sha256', publicJwk).update(input).digest('base64url');
    await expect(codec.verify(`${input}.${mac}`)).resolves.toBeNull();
  });

  it('should refuse a token whose payload was changed after signing', async () => {
    const { header, payload, signature } = partsOf(await codec.sign(content()));
    const forged = `${encode(header)}.${encode({ ...payload, scope: 'admin' })}.${signature}`;
    await expect(codec.verify(forged)).resolves.toBeNull();
  });

  it.each(['', 'a.b.c', 'not-a-jwt', '..', '%%%.%%%.%%%'])(
    'should refuse the malformed token %j',
    async (token) => {
      await expect(codec.verify(token)).resolves.toBeNull();
    },
  );

  // A token that passed once is remembered, without its signature being checked again.
  describe('a token verified before', () => {
    afterEach(() => jest.useRealTimers());

    it('should still be refused from the second its exp names', async () => {
      jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate'] });
      const token = await codec.sign(content({ expiresAt: new Date(Date.now() + 60_000) }));
      await expect(codec.verify(token)).resolves.toEqual({ jti: content().jti, aud: AUDIENCE });
      jest.setSystemTime(Date.now() + 59_000);
      await expect(codec.verify(token)).resolves.toEqual({ jti: content().jti, aud: AUDIENCE });
      jest.setSystemTime(Date.now() + 1_000);
      await expect(codec.verify(token)).resolves.toBeNull();
      await expect(codec.verify(token)).resolves.toBeNull();
    });

    it('should be refused once its key is no longer published', async () => {
      const published = [es256];
      const withdrawable = codecWith(es256, published);
      const token = await withdrawable.sign(content());
      await expect(withdrawable.verify(token)).resolves.toEqual({
        jti: content().jti,
        aud: AUDIENCE,
      });
      published.pop();
      await expect(withdrawable.verify(token)).resolves.toBeNull();
    });

    it('should not make a changed copy of it acceptable', async () => {
      const token = await codec.sign(content());
      await expect(codec.verify(token)).resolves.toEqual({ jti: content().jti, aud: AUDIENCE });
      const { header, payload, signature } = partsOf(token);
      const forged = `${encode(header)}.${encode({ ...payload, jti: 'another' })}.${signature}`;
      await expect(codec.verify(forged)).resolves.toBeNull();
    });
  });
});
