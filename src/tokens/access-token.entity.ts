import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AccessTokenFormat } from '../clients/client.entity';
import { User } from '../users/user.entity';

@Entity('access_tokens')
export class AccessToken {
  // Also the `jti` of a JWT access token.
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  // SHA-256 (hex) of an opaque token; null for JWTs, which are verified by signature.
  @Column({ type: 'varchar', length: 64, nullable: true })
  tokenHash!: string | null;

  @Column({ type: 'varchar', length: 8 })
  format!: AccessTokenFormat;

  @Column({ type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  @Column({ type: 'text' })
  scope!: string;

  // The API (RFC 8707) the token is for, its `aud`; null for the built-in API, `<ISSUER>/api`.
  @Column({ type: 'varchar', length: 255, nullable: true })
  resource!: string | null;

  // The grant this token belongs to: an authorization code's family or a refresh token family.
  @Column({ type: 'varchar', length: 36 })
  familyId!: string;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  // Loaded with the token when it is verified; not a column.
  owner?: User;
}
