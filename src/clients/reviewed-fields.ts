import { Client } from './client.entity';

// What an operator's review covers: everything about a client that decides where users are sent,
// what they are shown and what the client may do; not the on/off switch, the secret or the
// description (a note to operators that users never see). A change to any of these is a new version that must be reviewed again.
export const REVIEWED_FIELDS = [
  'clientName',
  'redirectUris',
  'grantTypes',
  'scope',
  'tokenEndpointAuthMethod',
  'accessTokenFormat',
  'requirePkce',
  'idTokenSignedResponseAlg',
  'postLogoutRedirectUris',
  'backchannelLogoutUri',
  'backchannelLogoutSessionRequired',
  'jwks',
  'jwksUri',
  'allowedOrigins',
  'skipConsent',
  'introspectionAllowed',
  'clientUri',
] as const satisfies readonly (keyof Client)[];

export type ReviewedFields = Pick<Client, (typeof REVIEWED_FIELDS)[number]>;

// The reviewed fields whose value differs between two versions of a client (compared as JSON:
// arrays in order, key sets as written).
export function changedReviewedFields(before: ReviewedFields, after: ReviewedFields): string[] {
  return REVIEWED_FIELDS.filter(
    (field) => JSON.stringify(before[field] ?? null) !== JSON.stringify(after[field] ?? null),
  );
}
