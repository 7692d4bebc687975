export const MAX_INTROSPECTION_CACHE_TTL_SECONDS = 300;

export type ResourceServerOptions = {
  issuer: string; // Portcullis' ISSUER; its metadata gives jwks_uri and introspection_endpoint
  audience: string; // the API identifier registered in Portcullis (the tokens' aud)
  introspection?: { clientId: string; clientSecret: string }; // needed for opaque tokens
  introspectionCacheTtlSeconds?: number; // default 60, at most 300: a revoked token lives this long
  clockToleranceSeconds?: number; // default 5
  algorithms?: string[]; // default ['RS256', 'ES256']
  realm?: string;
};
