import { Column, Entity, PrimaryColumn } from 'typeorm';

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'password'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
export const TOKEN_ENDPOINT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'none',
] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
export const ACCESS_TOKEN_FORMATS = ['opaque', 'jwt'] as const;
export type AccessTokenFormat = (typeof ACCESS_TOKEN_FORMATS)[number];

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

  @Column({ type: 'simple-json' })
  allowedOrigins!: string[];

  @Column({ type: 'boolean' })
  skipConsent!: boolean;

  @Column({ type: 'boolean' })
  introspectionAllowed!: boolean;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;

  get isPublic(): boolean {
    return this.tokenEndpointAuthMethod === 'none';
  }
}
