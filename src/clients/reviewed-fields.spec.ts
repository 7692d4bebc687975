import { changedReviewedFields, ReviewedFields } from './reviewed-fields';

const base: ReviewedFields = {
  clientName: 'App',
  redirectUris: ['https://app.example/cb'],
  grantTypes: ['authorization_code'],
  scope: 'profile',
  tokenEndpointAuthMethod: 'client_secret_basic',
  accessTokenFormat: 'opaque',
  requirePkce: true,
  idTokenSignedResponseAlg: 'RS256',
  postLogoutRedirectUris: [],
  backchannelLogoutUri: null,
  backchannelLogoutSessionRequired: false,
  jwks: null,
  jwksUri: null,
  allowedOrigins: [],
  skipConsent: false,
  introspectionAllowed: false,
  clientUri: null,
};

describe('changedReviewedFields', () => {
  it.each<{ name: string; change: Partial<ReviewedFields>; expected: string[] }>([
    { name: 'nothing', change: {}, expected: [] },
    {
      name: 'the same redirect URIs',
      change: { redirectUris: ['https://app.example/cb'] },
      expected: [],
    },
    {
      name: 'a new redirect URI',
      change: { redirectUris: ['https://app.example/cb', 'https://evil.example/cb'] },
      expected: ['redirectUris'],
    },
    {
      name: 'the redirect URIs reordered',
      change: { redirectUris: ['https://b.example/cb', 'https://a.example/cb'] },
      expected: ['redirectUris'],
    },
    {
      name: 'a trailing slash',
      change: { redirectUris: ['https://app.example/cb/'] },
      expected: ['redirectUris'],
    },
    { name: 'the name', change: { clientName: 'App 2' }, expected: ['clientName'] },
    {
      name: 'logout URIs',
      change: { postLogoutRedirectUris: ['https://app.example/bye'] },
      expected: ['postLogoutRedirectUris'],
    },
    { name: 'the scope', change: { scope: 'profile email' }, expected: ['scope'] },
    {
      name: 'grant types',
      change: { grantTypes: ['authorization_code', 'refresh_token'] },
      expected: ['grantTypes'],
    },
    {
      name: 'the home page',
      change: { clientUri: 'https://app.example' },
      expected: ['clientUri'],
    },
    { name: 'a jwks_uri', change: { jwksUri: 'https://app.example/jwks' }, expected: ['jwksUri'] },
    { name: 'inline keys', change: { jwks: { keys: [{ kty: 'EC' }] } }, expected: ['jwks'] },
    { name: 'skip consent', change: { skipConsent: true }, expected: ['skipConsent'] },
    {
      name: 'the name and the origins',
      change: { clientName: 'X', allowedOrigins: ['https://app.example'] },
      expected: ['clientName', 'allowedOrigins'],
    },
  ])('should report $expected when the change is $name', ({ change, expected }) => {
    expect(changedReviewedFields(base, { ...base, ...change })).toEqual(expected);
  });

  it('should treat an absent value like null', () => {
    expect(
      changedReviewedFields(base, { ...base, clientUri: undefined as unknown as null }),
    ).toEqual([]);
  });
});
