import {
  clientRuleProblems,
  ClientRules,
  defaultGrantTypes,
  originProblem,
  redirectUriProblem,
  scopeProblem,
} from './client-metadata';

describe('redirectUriProblem', () => {
  it.each([
    'https://app.example.com/callback',
    'https://app.example.com/cb?tenant=a',
    'https://app.example.com:8443/cb',
    'http://localhost:8080/cb',
    'http://127.0.0.1/cb',
    'http://[::1]:3000/cb',
  ])('should accept %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });

  it.each([
    { uri: '/callback', problem: 'must be an absolute URL' },
    { uri: 'callback', problem: 'must be an absolute URL' },
    { uri: 'https:app.example.com/cb', problem: 'must be an absolute URL' },
    { uri: 'https://app.example.com/cb#frag', problem: 'must not contain a fragment' },
    { uri: 'https://app.example.com/cb#', problem: 'must not contain a fragment' },
    { uri: 'https://user@app.example.com/cb', problem: 'must not contain user information' },
    { uri: 'https://u:p@app.example.com/cb', problem: 'must not contain user information' },
    { uri: 'http://app.example.com/cb', problem: expect.stringMatching(/^must use https/) },
    { uri: 'http://localhost.evil.com/cb', problem: expect.stringMatching(/^must use https/) },
    { uri: 'javascript://alert(1)', problem: expect.stringMatching(/^must use https/) },
    { uri: 'com.example.app://cb', problem: expect.stringMatching(/^must use https/) },
    {
      uri: `https://app.example.com/${'a'.repeat(2000)}`,
      problem: 'must be at most 2000 characters',
    },
    // The URL parser drops tabs and newlines and trims spaces and controls; the stored value would
    // keep them (a header injection in a Location, a URI that never matches).
    ...[
      'https://app.example.com/cb\r\nSet-Cookie: a=b',
      'https://app.example.com/cb\n',
      'https://app.example.com/c\tb',
      'https://app.example.com/cb\u0000',
      'https://app.example.com/cb\u007f',
      'https://app.example.com/cb\u0085',
      ' https://app.example.com/cb',
      'https://app.example.com/c b',
      'https://app.example.com/cb ',
    ].map((uri) => ({ uri, problem: 'must not contain spaces or control characters' })),
  ])('should refuse $uri', ({ uri, problem }) => {
    expect(redirectUriProblem(uri)).toEqual(problem);
  });
});

describe('originProblem', () => {
  it.each(['https://app.example.com', 'https://app.example.com:8443', 'http://localhost:5173'])(
    'should accept %s',
    (origin) => {
      expect(originProblem(origin)).toBeUndefined();
    },
  );

  it.each([
    'https://app.example.com/',
    'https://app.example.com/path',
    'https://APP.example.com',
    'https://app.example.com:443',
    'http://app.example.com',
    '*',
    'null',
  ])('should refuse %s', (origin) => {
    expect(originProblem(origin)).toMatch(/^must /);
  });
});

describe('scopeProblem', () => {
  it.each(['openid', 'read write', 'api:read email', 'a!#[]~'])('should accept "%s"', (scope) => {
    expect(scopeProblem(scope)).toBeUndefined();
  });

  it.each(['', ' read', 'read ', 'read  write', 'read\twrite', 'say"hi', 'back\\slash', 'é'])(
    'should refuse "%s"',
    (scope) => {
      expect(scopeProblem(scope)).toBe(
        'must be scope tokens separated by single spaces (RFC 6749 §3.3)',
      );
    },
  );
});

describe('clientRuleProblems', () => {
  const confidential: ClientRules = {
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: ['https://app.example.com/cb'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    requirePkce: true,
    introspectionAllowed: false,
  };
  const spa: ClientRules = { ...confidential, tokenEndpointAuthMethod: 'none' };

  it.each([
    { name: 'a confidential web app', client: confidential },
    { name: 'an SPA', client: spa },
    {
      name: 'a first-party password client',
      client: { ...confidential, grantTypes: ['password', 'refresh_token'], redirectUris: [] },
    },
    { name: 'a legacy server app without PKCE', client: { ...confidential, requirePkce: false } },
    { name: 'a resource server', client: { ...confidential, introspectionAllowed: true } },
    {
      name: 'an introspection-only resource server',
      client: { ...confidential, introspectionAllowed: true, grantTypes: [], redirectUris: [] },
    },
    {
      name: 'a machine client without redirect URIs',
      client: { ...confidential, grantTypes: ['client_credentials'], redirectUris: [] },
    },
  ] as { name: string; client: ClientRules }[])('should accept $name', ({ client }) => {
    expect(clientRuleProblems(client)).toEqual({});
  });

  it.each([
    {
      name: 'no grant without introspection_allowed',
      client: { ...confidential, grantTypes: [], redirectUris: [] },
      problems: {
        grant_types: [
          'may be empty only for a resource server that introspects tokens (introspection_allowed true)',
        ],
      },
    },
    {
      name: 'only refresh_token',
      client: { ...confidential, grantTypes: ['refresh_token'] },
      problems: {
        grant_types: ['must include authorization_code, password or client_credentials'],
      },
    },
    {
      name: 'authorization_code without redirect URIs',
      client: { ...confidential, redirectUris: [] },
      problems: {
        redirect_uris: ['at least one redirect URI is required for the authorization_code grant'],
      },
    },
    {
      name: 'a public client with the password grant',
      client: { ...spa, grantTypes: ['authorization_code', 'password'] },
      problems: {
        grant_types: [
          'public clients (token_endpoint_auth_method none) cannot use the password grant',
        ],
      },
    },
    {
      name: 'a public client with the client_credentials grant',
      client: { ...spa, grantTypes: ['client_credentials'], redirectUris: [] },
      problems: {
        grant_types: [
          'public clients (token_endpoint_auth_method none) cannot use the client_credentials grant',
        ],
      },
    },
    {
      name: 'a public client without PKCE',
      client: { ...spa, requirePkce: false },
      problems: { require_pkce: ['public clients always require PKCE'] },
    },
    {
      name: 'a public client allowed to introspect',
      client: { ...spa, introspectionAllowed: true },
      problems: {
        introspection_allowed: ['public clients cannot authenticate to introspect tokens'],
      },
    },
  ] as { name: string; client: ClientRules; problems: object }[])(
    'should refuse $name',
    ({ client, problems }) => {
      expect(clientRuleProblems(client)).toEqual(problems);
    },
  );
});

describe('defaultGrantTypes', () => {
  it.each([
    {
      introspectionAllowed: false,
      redirectUris: [],
      expected: ['authorization_code', 'refresh_token'],
    },
    { introspectionAllowed: true, redirectUris: [], expected: [] },
    {
      introspectionAllowed: true,
      redirectUris: ['https://app.example.com/cb'],
      expected: ['authorization_code', 'refresh_token'],
    },
  ])(
    'should default to $expected for introspection_allowed $introspectionAllowed and redirect URIs $redirectUris',
    ({ expected, ...client }) => {
      expect(defaultGrantTypes(client)).toEqual(expected);
    },
  );
});
