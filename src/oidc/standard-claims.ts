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

// The claims of the granted scopes (Core §5.4; left out for the ID token of the code flow, which
// carries only what the claims parameter names), plus those the claims parameter names one by one
// (§5.5) — only among the claims of the granted scopes: naming a claim never releases what the
// user did not approve on the consent page.
export function claimNames(
  scopes: string[],
  named: string[] = [],
  { withScopeClaims = true }: { withScopeClaims?: boolean } = {},
): string[] {
  const granted = scopes.flatMap((scope) => SCOPE_CLAIMS[scope] ?? []);
  const requested = named.filter((name) => granted.includes(name));
  return [...new Set([...(withScopeClaims ? granted : []), ...requested])];
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
