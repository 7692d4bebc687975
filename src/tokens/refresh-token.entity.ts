import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { User } from '../users/user.entity';
import { RefreshTokenFamily } from './refresh-token-family.entity';

@Entity('refresh_tokens')
export class RefreshToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  // SHA-256 (hex) of the token.
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'text' })
  scope!: string;

  // The API (RFC 8707) the grant is for; null for the built-in API.
  @Column({ type: 'varchar', length: 255, nullable: true })
  resource!: string | null;

  // Rotation keeps one family per grant; reuse of a rotated token revokes the whole family.
  @Column({ type: 'varchar', length: 36 })
  familyId!: string;

  // Loaded with the token in one statement, so both are read from the same moment.
  @ManyToOne(() => RefreshTokenFamily)
  @JoinColumn({ name: 'family_id' })
  family?: RefreshTokenFamily;

  // The token this one was rotated from.
  @Column({ type: 'varchar', length: 36, nullable: true })
  parentId!: string | null;

  @Column({ type: 'datetime', nullable: true })
  revokedAt!: Date | null;

  // Absolute end of the family (REFRESH_TOKEN_TTL after the first token), copied on rotation.
  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  // Loaded with the token (see RefreshTokensService.find); not a column.
  owner?: User;
}
