// Portcullis's side of the benchmark: provisioning through the admin API, then one factory per
// scenario. `scenarios[name](workerIndex)` does the worker's (untimed) setup and resolves to `op`,
// which performs one operation and throws unless it got the expected success.
import { basic, expectStatus, httpClient, json, pkcePair } from './http.mjs';

const PASSWORD = 'lantern-orbit-velvet-42';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const COOKIE = 'portcullis';

// `users` names this set's accounts (several sets share one database when several instances are
// measured together).
export async function createScenarios(baseUrl, { adminKey, workers, users = 'bench' }) {
  const http = httpClient(baseUrl);
  const admin = { authorization: `Bearer ${adminKey}` };

  const client = async (fields) => {
    const res = expectStatus(
      await http.send('POST', '/admin/clients', {
        headers: admin,
        json: { client_name: 'Bench', scope: 'profile email', ...fields },
      }),
      201,
      'create client',
    );
    const { client_id, client_secret } = json(res);
    return { id: client_id, auth: basic(client_id, client_secret) };
  };
  // One user per worker: login throttling counts attempts per account, and parallel sign-ins to
  // one account would (rightly) lock it.
  const username = (worker) => `${users}-${worker}`;
  for (let worker = 0; worker < workers; worker++) {
    expectStatus(
      await http.send('POST', '/admin/users', {
        headers: admin,
        json: {
          username: username(worker),
          password: PASSWORD,
          email: `${username(worker)}@example.com`,
        },
      }),
      201,
      'create user',
    );
  }
  const web = await client({
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
  });
  const trusted = await client({ redirect_uris: [], grant_types: ['password', 'refresh_token'] });
  const jwt = await client({
    redirect_uris: [],
    grant_types: ['password'],
    access_token_format: 'jwt',
  });
  const machine = await client({
    redirect_uris: [],
    grant_types: ['client_credentials'],
    scope: 'api',
  });
  const resourceServer = await client({
    redirect_uris: [REDIRECT_URI],
    introspection_allowed: true,
  });

  const passwordGrant = async (as, worker) => {
    const res = await http.send('POST', '/oauth/token', {
      headers: { authorization: as.auth },
      form: {
        grant_type: 'password',
        username: username(worker),
        password: PASSWORD,
        scope: 'profile email',
      },
    });
    return json(expectStatus(res, 200, 'password grant'));
  };
  const bearer = (token) => ({ authorization: `Bearer ${token}` });
  const apiMe = (token) => async () => {
    expectStatus(await http.send('GET', '/api/me', { headers: bearer(token) }), 200, '/api/me');
  };

  return {
    'client_auth+refresh': async (worker) => {
      let { refresh_token } = await passwordGrant(trusted, worker);
      return async () => {
        const res = await http.send('POST', '/oauth/token', {
          headers: { authorization: trusted.auth },
          form: { grant_type: 'refresh_token', refresh_token },
        });
        ({ refresh_token } = json(expectStatus(res, 200, 'refresh')));
      };
    },

    // One op: GET /oauth/authorize (303 to the redirect URI with a code), then POST /oauth/token.
    'authorize+token': async (worker) => {
      const cookie = await signInAndApprove(http, web, username(worker));
      return async () => {
        const { verifier, challenge } = pkcePair();
        const query = new URLSearchParams({
          response_type: 'code',
          client_id: web.id,
          redirect_uri: REDIRECT_URI,
          scope: 'profile email',
          state: 'bench',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        });
        const authorized = expectStatus(
          await http.send('GET', `/oauth/authorize?${query}`, { headers: { cookie } }),
          303,
          'authorize',
        );
        const code = new URL(authorized.headers.location).searchParams.get('code');
        const res = await http.send('POST', '/oauth/token', {
          headers: { authorization: web.auth },
          form: {
            grant_type: 'authorization_code',
            code,
            redirect_uri: REDIRECT_URI,
            code_verifier: verifier,
          },
        });
        expectStatus(res, 200, 'code exchange');
      };
    },

    // A machine client's token for itself (RFC 6749 §4.4), client_secret_basic. One request.
    client_credentials: async () => async () => {
      const res = await http.send('POST', '/oauth/token', {
        headers: { authorization: machine.auth },
        form: { grant_type: 'client_credentials', scope: 'api' },
      });
      expectStatus(res, 200, 'client_credentials');
    },

    password: async (worker) => async () => {
      await passwordGrant(trusted, worker);
    },

    introspect: async (worker) => {
      const { access_token } = await passwordGrant(trusted, worker);
      return async () => {
        const res = await http.send('POST', '/oauth/introspect', {
          headers: { authorization: resourceServer.auth },
          form: { token: access_token },
        });
        if (json(expectStatus(res, 200, 'introspect')).active !== true) {
          throw new Error('introspect: token reported inactive');
        }
      };
    },

    api_me_opaque: async (worker) => apiMe((await passwordGrant(trusted, worker)).access_token),
    api_me_jwt: async (worker) => apiMe((await passwordGrant(jwt, worker)).access_token),

    close: () => http.close(),
  };
}

// A browser's sign-in and first consent for `client`; the session cookie it ends with.
async function signInAndApprove(http, client, username) {
  let cookie = '';
  const keep = (res) => {
    for (const header of [res.headers['set-cookie'] ?? []].flat()) {
      const [pair] = header.split(';');
      if (pair.startsWith(`${COOKIE}=`)) {
        cookie = pair;
      }
    }
    return res;
  };
  const hidden = (res) =>
    Object.fromEntries(
      [...res.text.matchAll(/type="hidden" name="(\w+)" value="([^"]*)"/g)].map(([, k, v]) => [
        k,
        v,
      ]),
    );
  const page = keep(expectStatus(await http.send('GET', '/login'), 200, 'login page'));
  keep(
    expectStatus(
      await http.send('POST', '/login', {
        headers: { cookie },
        form: { ...hidden(page), username, password: PASSWORD },
      }),
      303,
      'sign in',
    ),
  );
  const { challenge } = pkcePair();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: REDIRECT_URI,
    scope: 'profile email',
    state: 'bench',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const toConsent = keep(
    expectStatus(
      await http.send('GET', `/oauth/authorize?${query}`, { headers: { cookie } }),
      303,
      'authorize',
    ),
  );
  const consent = keep(
    expectStatus(
      await http.send('GET', toConsent.headers.location, { headers: { cookie } }),
      200,
      'consent page',
    ),
  );
  keep(
    expectStatus(
      await http.send('POST', '/consent', {
        headers: { cookie },
        form: { ...hidden(consent), decision: 'approve' },
      }),
      303,
      'approve',
    ),
  );
  return cookie;
}
