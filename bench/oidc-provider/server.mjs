// The peer for the Portcullis benchmark: oidc-provider with its default in-memory adapter (or
// another, chosen by BENCH_ADAPTER: see below) and its development interactions (login and consent
// forms), configured as the nearest equivalent of Portcullis. Started by the driver as
// `PORT=4000 node bench/oidc-provider/server.mjs`; prints exactly one line,
// `READY http://127.0.0.1:4000`, on stdout once it listens. Everything else (oidc-provider's
// notices, errors) goes to stderr.
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
} from 'jose';
import Provider, { errors } from 'oidc-provider';

import LeanAdapter from './lean-adapter.mjs';
import { mysqlAdapter } from './mysql-adapter.mjs';

// oidc-provider prints its "you SHOULD change this default" notices with console.info, that is on
// stdout; keep stdout for the READY line alone.
console.info = (...args) => console.error(...args);

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('PORT must be set to a TCP port number');
  process.exit(1);
}
const issuer = `http://127.0.0.1:${port}`;

// Must match scenarios.mjs.
const API_RESOURCE = 'urn:bench:api';
const DAY = 24 * 60 * 60;

// One ES256 key, as Portcullis creates on its first start. It signs the JWT access tokens of
// urn:bench:api and, for requests with `openid`, ID tokens.
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const privateJwk = await exportJWK(privateKey);
privateJwk.kid = await calculateJwkThumbprint(privateJwk);
privateJwk.alg = 'ES256';
privateJwk.use = 'sig';
const { d, ...publicJwk } = privateJwk;

// The bench user: any login name signs in (dev interactions take any login and password).
async function findAccount(ctx, id) {
  return {
    accountId: id,
    claims: async () => ({ sub: id, email: 'alice@example.com', name: 'Alice' }),
  };
}

const provider = new Provider(issuer, {
  // By default oidc-provider's own development in-memory adapter (no database). BENCH_ADAPTER=lean
  // swaps in lean-adapter.mjs, whose cost per token does not grow with the size of its grant;
  // BENCH_ADAPTER=mysql stores everything in the MySQL database at BENCH_ADAPTER_URL.
  ...(process.env.BENCH_ADAPTER === 'lean' ? { adapter: LeanAdapter } : {}),
  ...(process.env.BENCH_ADAPTER === 'mysql'
    ? { adapter: await mysqlAdapter(process.env.BENCH_ADAPTER_URL) }
    : {}),
  clients: [
    {
      client_id: 'bench-web',
      client_secret: 'bench-web-secret-0123456789abcdef',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1:9/callback'],
    },
    {
      // A machine client: tokens for itself by the client_credentials grant.
      client_id: 'bench-machine',
      client_secret: 'bench-machine-secret-0123456789abcdef',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api',
    },
    {
      // The resource server: only authenticates at the introspection endpoint.
      client_id: 'bench-rs',
      client_secret: 'bench-rs-secret-0123456789abcdef',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: [],
      response_types: [],
      redirect_uris: [],
    },
  ],
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  jwks: { keys: [privateJwk] },
  cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
  findAccount,
  scopes: ['openid', 'offline_access', 'profile', 'email', 'api'],
  // The claims Portcullis' /api/me answers for these scopes.
  claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
  // Portcullis requires PKCE (S256 only) for every client; oidc-provider 9 requires it by default
  // only for public clients. It accepts only S256.
  pkce: { required: () => true },
  // Portcullis rotates the refresh token on every use and issues one with every code exchange to a
  // client that has the refresh_token grant, without an `offline_access` scope or prompt=consent.
  rotateRefreshToken: true,
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  // Portcullis' tokens outlive the browser session that produced them.
  expiresWithSession: async () => false,
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    RefreshToken: 14 * DAY,
    IdToken: 3600,
    Grant: 14 * DAY,
    Session: 14 * DAY,
    Interaction: 3600,
  },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // No `resource` parameter: no resource server, so an `openid` request gets an opaque access
      // token for the userinfo endpoint (/me).
      defaultResource: async (ctx, client, oneOf) => oneOf,
      getResourceServerInfo: async (ctx, resourceIndicator) => {
        if (resourceIndicator !== API_RESOURCE) {
          throw new errors.InvalidTarget();
        }
        return {
          scope: 'api',
          audience: API_RESOURCE,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        };
      },
    },
  },
});

// oidc-provider has no protected API of its own: a JWT access token is verified by the resource
// server, and oidc-provider does not even store it (so it cannot be introspected or revoked). To
// compare with Portcullis' GET /api/me over HTTP, this minimal resource server route lives in the
// same process and Koa app. It does what an RFC 9068 resource server does with a JWK Set it fetched
// once: ES256 signature, `typ` at+jwt, `iss`, `aud`, `exp`. Unlike Portcullis it has no token
// store to consult, so a revoked JWT cannot be refused: that lookup is work the peer skips.
const apiJwks = createLocalJWKSet({ keys: [publicJwk] });
provider.use(async (ctx, next) => {
  if (ctx.path !== '/api/me' || ctx.method !== 'GET') {
    return next();
  }
  ctx.set('Cache-Control', 'no-store');
  const match = /^Bearer ([^\s]+)$/.exec(ctx.get('authorization'));
  let payload;
  try {
    if (!match) {
      throw new Error('no bearer token');
    }
    ({ payload } = await jwtVerify(match[1], apiJwks, {
      issuer,
      audience: API_RESOURCE,
      typ: 'at+jwt',
      algorithms: ['ES256'],
    }));
  } catch {
    ctx.status = 401;
    ctx.set('WWW-Authenticate', 'Bearer realm="bench", error="invalid_token"');
    ctx.body = { error: 'invalid_token' };
    return undefined;
  }
  const account = await findAccount(ctx, payload.sub);
  ctx.body = await account.claims();
  return undefined;
});

provider.on('server_error', (ctx, err) => {
  console.error('server_error', ctx.method, ctx.path, err);
});

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`READY ${issuer}\n`);
});
server.keepAliveTimeout = 65_000;

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
