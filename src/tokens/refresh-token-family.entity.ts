import { Column, Entity, PrimaryColumn } from 'typeorm';

// One grant's chain of refresh tokens. Access tokens of the grant share its id as their familyId.
@Entity('refresh_token_families')
export class RefreshTokenFamily {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  // The one live refresh token; rotation moves it with a compare-and-set UPDATE.
  @Column({ type: 'varchar', length: 36 })
  headTokenId!: string;

  // The token the head was rotated from (the one a retry presents again), and when it was first
  // rotated (the reuse grace window starts there). Null until the first rotation.
  @Column({ type: 'varchar', length: 36, nullable: true })
  previousTokenId!: string | null;

  @Column({ type: 'datetime', nullable: true })
  rotatedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}
