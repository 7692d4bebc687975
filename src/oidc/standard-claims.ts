import type { StandardClaims, User } from '../users/user.entity';

export type Claims = Record<string, unknown>;

// OpenID Connect Core §5.4: the claims each scope asks for.
export const SCOPE_CLAIMS: Record<string, string[]> = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

export const SUPPORTED_CLAIMS = ['sub', ...Object.values(SCOPE_CLAIMS).flat()];

// The claims of these scopes, plus the claims named one by one (the claims request parameter).
export function claimNames(scopes: string[], named: string[] = []): string[] {
  const names = scopes.flatMap((scope) => SCOPE_CLAIMS[scope] ?? []);
  return [...new Set([...names, ...named.filter((name) => SUPPORTED_CLAIMS.includes(name))])];
}

// Core §5.1: the user's values of the named claims; a claim the user has no value for is left
// out (never sent as null, §5.3.2).
export function userClaims(user: User, names: string[]): Claims {
  const standard: StandardClaims = user.standardClaims ?? {};
  const values: Claims = {
    ...standard,
    name: user.name ?? undefined,
    preferred_username: user.username,
    updated_at: Math.floor(user.updatedAt.getTime() / 1000),
    email: user.email ?? undefined,
    email_verified: user.email === null ? undefined : (standard.email_verified ?? false),
    phone_number_verified:
      standard.phone_number === undefined ? undefined : (standard.phone_number_verified ?? false),
  };
  return Object.fromEntries(
    names.filter((name) => values[name] !== undefined).map((name) => [name, values[name]]),
  );
}
