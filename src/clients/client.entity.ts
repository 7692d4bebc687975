import { Column, Entity, PrimaryColumn } from 'typeorm';

export const GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'password',
  'client_credentials',
] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
export const TOKEN_ENDPOINT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
export const ACCESS_TOKEN_FORMATS = ['opaque', 'jwt'] as const;
export type AccessTokenFormat = (typeof ACCESS_TOKEN_FORMATS)[number];
// OpenID Connect Dynamic Client Registration §2 id_token_signed_response_alg: never `none`.
export const ID_TOKEN_SIGNING_ALGS = ['RS256', 'ES256'] as const;
export type IdTokenSigningAlg = (typeof ID_TOKEN_SIGNING_ALGS)[number];
// A developer's application starts pending; only an approved client can be used at the OAuth
// endpoints (an operator's own clients are approved from the start).
export const CLIENT_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

@Entity('clients')
export class Client {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  clientId!: string;

  // SHA-256 (hex) of the secret; null for public clients.
  @Column({ type: 'varchar', length: 64, nullable: true })
  secretHash!: string | null;

  @Column({ type: 'varchar', length: 200 })
  clientName!: string;

  @Column({ type: 'simple-json' })
  redirectUris!: string[];

  @Column({ type: 'simple-json' })
  grantTypes!: GrantType[];

  @Column({ type: 'text' })
  scope!: string;

  @Column({ type: 'varchar', length: 32 })
  tokenEndpointAuthMethod!: TokenEndpointAuthMethod;

  @Column({ type: 'varchar', length: 16 })
  accessTokenFormat!: AccessTokenFormat;

  @Column({ type: 'boolean' })
  requirePkce!: boolean;

  @Column({ type: 'varchar', length: 16 })
  idTokenSignedResponseAlg!: IdTokenSigningAlg;

  // OpenID Connect RP-Initiated Logout 1.0 §3.1: where a logout may return, matched exactly.
  @Column({ type: 'simple-json' })
  postLogoutRedirectUris!: string[];

  // OpenID Connect Back-Channel Logout 1.0 §2.2
  @Column({ type: 'varchar', length: 2000, nullable: true })
  backchannelLogoutUri!: string | null;

  @Column({ type: 'boolean' })
  backchannelLogoutSessionRequired!: boolean;

  // private_key_jwt (RFC 7523 §2.2): the client's public keys, inline or at a URL.
  @Column({ type: 'simple-json', nullable: true })
  jwks!: { keys: Record<string, unknown>[] } | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  jwksUri!: string | null;

  @Column({ type: 'simple-json' })
  allowedOrigins!: string[];

  @Column({ type: 'boolean' })
  skipConsent!: boolean;

  @Column({ type: 'boolean' })
  introspectionAllowed!: boolean;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'varchar', length: 16 })
  status!: ClientStatus;

  // The developer who registered it through the portal; null for operators' clients.
  @Column({ type: 'varchar', length: 36, nullable: true })
  ownerId!: string | null;

  // RFC 7591 client_uri: the application's home page.
  @Column({ type: 'varchar', length: 2000, nullable: true })
  clientUri!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description!: string | null;

  // Why an operator rejected it, shown to its owner.
  @Column({ type: 'varchar', length: 500, nullable: true })
  rejectionReason!: string | null;

  // Incremented by every change to what operators review; a decision names the version it is on.
  @Column({ type: 'int', default: 1 })
  reviewVersion!: number;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;

  // Authenticates with a signed assertion, not a secret.
  get usesKeys(): boolean {
    return this.tokenEndpointAuthMethod === 'private_key_jwt';
  }

  get isPublic(): boolean {
    return this.tokenEndpointAuthMethod === 'none';
  }

  // Whether the OAuth endpoints accept it at all.
  get isUsable(): boolean {
    return this.enabled && this.status === 'approved';
  }
}
