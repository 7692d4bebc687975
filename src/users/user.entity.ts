import { Column, Entity, PrimaryColumn } from 'typeorm';

export const USER_ROLES = ['user', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

// OpenID Connect Core §5.1: the standard claims a user may have besides sub, email and name.
export type StandardAddress = {
  formatted?: string;
  street_address?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
};
export type StandardClaims = {
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  profile?: string;
  picture?: string;
  website?: string;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  email_verified?: boolean;
  phone_number?: string;
  phone_number_verified?: boolean;
  address?: StandardAddress;
};

@Entity('users')
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  // Stored lower-cased, so uniqueness and lookups behave the same on SQLite and MySQL.
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'simple-json', nullable: true })
  standardClaims!: StandardClaims | null;

  @Column({ type: 'varchar', length: 16 })
  role!: UserRole;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  // Tokens issued to the user before this instant are refused (set when the user is disabled, so
  // enabling the account again does not bring old tokens back).
  @Column({ type: 'datetime', nullable: true })
  tokensInvalidBefore!: Date | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}
