import { OAuthError } from '../common/oauth-error';

// The claims a `claims` request parameter names (OpenID Connect Core §5.5), per destination.
// Whether a claim was asked as essential changes nothing here: a claim the user has is returned
// either way, and one the user lacks cannot be.
export type RequestedClaims = { userinfo: string[]; idToken: string[] };

// What an OpenID authentication request (Core §3.1.2.1) adds to an OAuth authorization request.
export type OpenIdRequest = {
  nonce: string | null;
  claims: RequestedClaims | null;
  prompt: string[];
  maxAge: number | null;
  loginHint: string | null;
  idTokenHint: string | null;
};

// What the ID tokens of a grant say of the sign-in behind it (Core §2), carried by its code.
export type SignInContext = {
  nonce: string | null;
  // Seconds since the epoch.
  authTime: number;
  sid: string | null;
  amr: string[];
  claims: RequestedClaims | null;
};

const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'];
// A week: a larger max_age is no different from none, and this keeps the arithmetic small.
const MAX_AGE_LIMIT = 7 * 24 * 3600;
const MAX_CLAIMS = 50;

type Read = (name: string) => string | undefined;
type Fail = (code: 'invalid_request' | RequestRefusal, description: string) => OAuthError;
type RequestRefusal = 'request_not_supported' | 'request_uri_not_supported';

// Core §3.1.2.1-§3.1.2.2 and §6: the parameters of an OpenID request, in the order of the spec's
// table. Request objects are not supported (Discovery says so): they are refused, not ignored.
export function readOpenIdRequest(read: Read, fail: Fail): OpenIdRequest {
  if (read('request') !== undefined) {
    throw fail('request_not_supported', 'request objects are not supported');
  }
  if (read('request_uri') !== undefined) {
    throw fail('request_uri_not_supported', 'request_uri is not supported');
  }
  const prompt = (read('prompt') ?? '').split(' ').filter(Boolean);
  if (prompt.includes('none') && prompt.length > 1) {
    throw fail('invalid_request', 'prompt=none cannot be combined with other values');
  }
  const maxAge = read('max_age');
  if (maxAge !== undefined && !/^\d{1,7}$/.test(maxAge)) {
    throw fail('invalid_request', 'max_age must be a number of seconds');
  }
  const claims = read('claims');
  const requestedClaims = claims === undefined ? null : parseClaimsRequest(claims);
  if (typeof requestedClaims === 'string') {
    throw fail('invalid_request', requestedClaims);
  }
  return {
    nonce: read('nonce') ?? null,
    claims: requestedClaims,
    prompt: prompt.filter((value) => PROMPT_VALUES.includes(value)),
    maxAge: maxAge === undefined ? null : Math.min(Number(maxAge), MAX_AGE_LIMIT),
    loginHint: read('login_hint') ?? null,
    idTokenHint: read('id_token_hint') ?? null,
  };
}

// Core §5.5: a JSON object whose `userinfo` and `id_token` members are objects of claim names,
// each null or an object. Answers the names, or the problem.
export function parseClaimsRequest(text: string): RequestedClaims | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'claims must be a JSON object';
  }
  if (!isObject(parsed)) {
    return 'claims must be a JSON object';
  }
  const names = (member: string): string[] | string => {
    const value = parsed[member];
    if (value === undefined) {
      return [];
    }
    if (!isObject(value)) {
      return `claims.${member} must be an object`;
    }
    const entries = Object.entries(value);
    if (entries.length > MAX_CLAIMS) {
      return `claims.${member} names more than ${MAX_CLAIMS} claims`;
    }
    const invalid = entries.find(([, request]) => request !== null && !isObject(request));
    return invalid
      ? `claims.${member}.${invalid[0]} must be null or an object`
      : entries.map(([n]) => n);
  };
  const userinfo = names('userinfo');
  const idToken = names('id_token');
  if (typeof userinfo === 'string') {
    return userinfo;
  }
  return typeof idToken === 'string' ? idToken : { userinfo, idToken };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
