export { parseBearerHeader } from './bearer-request';
export type { BearerParseResult } from './bearer-request';
export { BearerError } from './bearer-error';
export type { BearerErrorCode } from './bearer-error';
export { TokenCache } from './token-cache';
export { JwtVerifier } from './jwt-verifier';
export type { JwtVerifierOptions } from './jwt-verifier';
export { MAX_INTROSPECTION_CACHE_TTL_SECONDS } from './options';
export type { ResourceServerOptions } from './options';
