export { parseBearerHeader } from './bearer-request';
export type { BearerParseResult } from './bearer-request';
export { BearerError } from './bearer-error';
export type { BearerErrorCode } from './bearer-error';
export { TokenCache } from './token-cache';
