// Benchmark scenarios against the oidc-provider peer (server.mjs), the counterpart of
// bench/portcullis-scenarios.mjs. Contract used by bench/run.mjs:
//
//   const scenarios = await createScenarios('http://127.0.0.1:4000');
//   const op = await scenarios[name](workerIndex); // per-worker setup, not timed
//   await op(); // one timed operation; throws unless the server answered the expected success
//   await scenarios.close();
//
// A worker calls its op sequentially (each refresh uses the token the previous one returned).
// There is no `password` scenario: oidc-provider does not implement the password grant.
import { createHash, randomBytes } from 'node:crypto';

import { Pool } from 'undici';

// Must match server.mjs.
const WEB = {
  id: 'bench-web',
  secret: 'bench-web-secret-0123456789abcdef',
  redirectUri: 'http://127.0.0.1:9/callback',
};
const RS = { id: 'bench-rs', secret: 'bench-rs-secret-0123456789abcdef' };
const MACHINE = { id: 'bench-machine', secret: 'bench-machine-secret-0123456789abcdef' };
const API_RESOURCE = 'urn:bench:api';
const LOGIN = 'alice';

// No `openid`: Portcullis is a plain OAuth 2.0 server, so the token responses compared must not
// carry an ID token (one more ES256 signature per response, on every refresh too). The userinfo
// endpoint needs `openid`, so only api_me_opaque asks for it.
const OAUTH_SCOPE = 'profile email';
const USERINFO_SCOPE = 'openid profile email';

// RFC 6749 §2.3.1: both parts form-encoded, then Base64.
function basicAuth({ id, secret }) {
  const credentials = `${encodeURIComponent(id)}:${encodeURIComponent(secret)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}
const WEB_AUTH = basicAuth(WEB);
const RS_AUTH = basicAuth(RS);
const MACHINE_AUTH = basicAuth(MACHINE);
const FORM = 'application/x-www-form-urlencoded';

function randomToken() {
  return randomBytes(32).toString('base64url');
}

function pkcePair() {
  const verifier = randomToken();
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

// The few cookies of one browser (oidc-provider's session and interaction cookies and their
// signatures), kept by name with their path; enough for one host over plain http.
class CookieJar {
  #cookies = new Map();

  store(setCookie) {
    for (const line of [setCookie ?? []].flat()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key, val = ''] = attribute.split('=');
        const lower = key.trim().toLowerCase();
        if (lower === 'path') {
          path = val.trim();
        } else if (lower === 'max-age') {
          expired ||= Number(val) <= 0;
        } else if (lower === 'expires') {
          expired ||= Date.parse(val) <= Date.now();
        }
      }
      if (expired) {
        this.#cookies.delete(name);
      } else {
        this.#cookies.set(name, { value, path });
      }
    }
  }

  header(requestPath) {
    const pathname = requestPath.split('?')[0];
    const pairs = [];
    for (const [name, { value, path }] of this.#cookies) {
      if (
        pathname === path ||
        (pathname.startsWith(path) && (path.endsWith('/') || pathname[path.length] === '/'))
      ) {
        pairs.push(`${name}=${value}`);
      }
    }
    return pairs.length ? pairs.join('; ') : undefined;
  }
}

export async function createScenarios(baseUrl) {
  const origin = new URL(baseUrl).origin;
  const pool = new Pool(origin, {
    connections: 256,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });

  // One HTTP exchange. The body is always read, so the connection goes back to the pool.
  async function http(method, path, { headers = {}, form, jar } = {}) {
    const cookie = jar?.header(path);
    const res = await pool.request({
      method,
      path,
      headers: {
        ...headers,
        ...(cookie ? { cookie } : {}),
        ...(form ? { 'content-type': FORM } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    const text = await res.body.text();
    jar?.store(res.headers['set-cookie']);
    return { status: res.statusCode, headers: res.headers, text };
  }

  function fail(what, res) {
    return new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  }

  async function json(what, res, status = 200) {
    if (res.status !== status) {
      throw fail(what, res);
    }
    return JSON.parse(res.text);
  }

  // The path and query of a redirect inside the server (Location may be relative).
  function localPath(location) {
    const url = new URL(location, origin);
    if (url.origin !== origin) {
      return undefined;
    }
    return url.pathname + url.search;
  }

  function authorizePath({ scope, state, challenge, resource }) {
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: WEB.id,
      redirect_uri: WEB.redirectUri,
      scope,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    if (resource) {
      params.set('resource', resource);
    }
    return `/auth?${params}`;
  }

  // Runs an authorization request in the browser `jar` until the redirect to the client, and
  // returns the code. With `interactive`, the dev interaction pages are answered on the way (login
  // with any password, then consent); without, any stop at an interaction is an error.
  async function authorize(jar, { scope, resource, interactive }) {
    const state = randomToken();
    const { verifier, challenge } = pkcePair();
    let path = authorizePath({ scope, state, challenge, resource });
    for (let hop = 0; hop < 8; hop += 1) {
      const res = await http('GET', path, { jar });
      const location = res.headers.location;
      if (res.status !== 303 && res.status !== 302) {
        throw fail('authorization request', res);
      }
      if (location.startsWith(`${WEB.redirectUri}?`)) {
        const params = new URL(location).searchParams;
        if (params.get('state') !== state || !params.get('code')) {
          throw new Error(`authorization response without code: ${location}`);
        }
        return { code: params.get('code'), verifier };
      }
      path = localPath(location);
      if (!path) {
        throw new Error(`unexpected redirect: ${location}`);
      }
      if (path.startsWith('/interaction/')) {
        if (!interactive) {
          throw new Error(`authorization request needs an interaction: ${location}`);
        }
        path = await interact(jar, path);
      }
      // Otherwise a resume step (/auth/:uid) after an interaction: follow it.
    }
    throw new Error('too many redirects in the authorization request');
  }

  // Answers one dev interaction page (login or consent); returns where its form submission goes.
  async function interact(jar, path) {
    const page = await http('GET', path, { jar });
    const prompt = /name="prompt" value="(\w+)"/.exec(page.text)?.[1];
    if (page.status !== 200 || !prompt) {
      throw fail('interaction page', page);
    }
    const form = prompt === 'login' ? { prompt, login: LOGIN, password: 'any' } : { prompt };
    const res = await http('POST', path, { jar, form });
    const next = res.headers.location && localPath(res.headers.location);
    if (res.status !== 303 || !next) {
      throw fail(`${prompt} submission`, res);
    }
    return next;
  }

  async function redeemCode({ code, verifier }, resource) {
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: WEB.redirectUri,
      code_verifier: verifier,
    };
    // oidc-provider picks the audience at the token endpoint: without `resource` here it would
    // issue the opaque userinfo token even for a code granted urn:bench:api.
    if (resource) {
      form.resource = resource;
    }
    const res = await http('POST', '/token', { headers: { authorization: WEB_AUTH }, form });
    const body = await json('code exchange', res);
    if (typeof body.access_token !== 'string') {
      throw fail('code exchange without access_token', res);
    }
    return body;
  }

  // A fresh browser signs in, consents and redeems the code: the tokens and the signed-in jar.
  async function signIn({ scope = OAUTH_SCOPE, resource } = {}) {
    const jar = new CookieJar();
    const code = await authorize(jar, { scope, resource, interactive: true });
    return { jar, tokens: await redeemCode(code, resource) };
  }

  const scenarios = {
    // One refresh_token grant with client_secret_basic. Rotation: every answer must carry a new
    // refresh token, which the next op presents. One HTTP request per op.
    'client_auth+refresh': async () => {
      let refreshToken = (await signIn()).tokens.refresh_token;
      if (!refreshToken) {
        throw new Error('no refresh token issued');
      }
      return async () => {
        const res = await http('POST', '/token', {
          headers: { authorization: WEB_AUTH },
          form: { grant_type: 'refresh_token', refresh_token: refreshToken },
        });
        const body = await json('refresh', res);
        if (typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string') {
          throw fail('refresh without tokens', res);
        }
        if (body.refresh_token === refreshToken) {
          throw new Error('refresh token not rotated');
        }
        refreshToken = body.refresh_token;
      };
    },

    // A signed-in browser whose consent is remembered: GET /auth answers 303 straight to the
    // redirect URI with a code (no resume step), then the code is redeemed with PKCE and
    // client_secret_basic. Two HTTP requests per op, as with Portcullis.
    'authorize+token': async () => {
      const { jar } = await signIn();
      return async () => {
        const code = await authorize(jar, { scope: OAUTH_SCOPE, interactive: false });
        await redeemCode(code);
      };
    },

    // bench-machine's token for itself (client_credentials, client_secret_basic). One HTTP
    // request per op, as with Portcullis.
    client_credentials: async () => async () => {
      const res = await http('POST', '/token', {
        headers: { authorization: MACHINE_AUTH },
        form: { grant_type: 'client_credentials', scope: 'api' },
      });
      const body = await json('client_credentials', res);
      if (typeof body.access_token !== 'string') {
        throw fail('client_credentials without an access token', res);
      }
    },

    // bench-rs introspects a live opaque access token of bench-web. One HTTP request per op.
    introspect: async () => {
      const token = (await signIn()).tokens.access_token;
      return async () => {
        const res = await http('POST', '/token/introspection', {
          headers: { authorization: RS_AUTH },
          form: { token },
        });
        const body = await json('introspection', res);
        if (body.active !== true) {
          throw fail('introspection: token not active', res);
        }
      };
    },

    // The userinfo endpoint, oidc-provider's only protected resource, with an opaque token (which
    // needs `openid`). The counterpart of Portcullis' GET /api/me. One HTTP request per op.
    api_me_opaque: async () => {
      const token = (await signIn({ scope: USERINFO_SCOPE })).tokens.access_token;
      const authorization = `Bearer ${token}`;
      return async () => {
        const body = await json(
          'userinfo',
          await http('GET', '/me', { headers: { authorization } }),
        );
        if (typeof body.sub !== 'string') {
          throw new Error('userinfo without sub');
        }
      };
    },

    // An RFC 9068 JWT access token for urn:bench:api at GET /api/me. oidc-provider has no
    // protected API for JWTs (the resource server verifies them; oidc-provider does not store
    // them), so server.mjs adds a minimal resource server route in the peer's own process:
    // ES256 signature, typ, iss, aud and exp checked with jose, no token lookup. Verifying in the
    // driver process instead would time no HTTP at all and compare nothing. One HTTP request per op.
    api_me_jwt: async () => {
      const { tokens } = await signIn({ scope: `${OAUTH_SCOPE} api`, resource: API_RESOURCE });
      const token = tokens.access_token;
      if (token.split('.').length !== 3) {
        throw new Error('the access token for urn:bench:api is not a JWT');
      }
      const authorization = `Bearer ${token}`;
      return async () => {
        const res = await http('GET', '/api/me', { headers: { authorization } });
        const body = await json('api/me', res);
        if (typeof body.sub !== 'string') {
          throw new Error('api/me without sub');
        }
      };
    },
  };

  // Not enumerable, so that Object.keys(scenarios) lists the scenarios only.
  Object.defineProperty(scenarios, 'close', { value: () => pool.close() });
  return scenarios;
}
