import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { BearerError } from './bearer-error';
import { JwtVerifier } from './jwt-verifier';

const issuer = 'https://auth.example';
const audience = 'https://notes.example';

describe('JwtVerifier', () => {
  let server: Server;
  let privateKey: CryptoKey;
  let verifier: JwtVerifier;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    verifier = new JwtVerifier({
      jwksUri: `http://127.0.0.1:${port}/jwks`,
      issuer,
      audience,
      algorithms: ['RS256'],
      clockToleranceSeconds: 0,
    });
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const sign = (overrides: { typ?: string; aud?: string; exp?: number; kid?: string } = {}) =>
    new SignJWT({ scope: 'notes:read', client_id: 'c1' })
      .setProtectedHeader({
        alg: 'RS256',
        typ: overrides.typ ?? 'at+jwt',
        kid: overrides.kid ?? 'k1',
      })
      .setIssuer(issuer)
      .setAudience(overrides.aud ?? audience)
      .setSubject('c1')
      .setExpirationTime(overrides.exp ?? Math.floor(Date.now() / 1000) + 60)
      .sign(privateKey);

  it('should return the claims when the token is valid', async () => {
    await expect(verifier.verify(await sign())).resolves.toMatchObject({ scope: 'notes:read' });
  });

  it.each([
    { name: 'typ is JWT', overrides: { typ: 'JWT' }, description: 'token is invalid' },
    {
      name: 'aud is another API',
      overrides: { aud: 'https://other' },
      description: 'token is invalid',
    },
    { name: 'expired', overrides: { exp: 1000 }, description: 'token expired' },
    { name: 'kid is unknown', overrides: { kid: 'k9' }, description: 'unknown signing key' },
  ])('should answer invalid_token when $name', async ({ overrides, description }) => {
    await expect(verifier.verify(await sign(overrides))).rejects.toEqual(
      new BearerError('invalid_token', description),
    );
  });
});
