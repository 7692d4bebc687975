import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('authorization_codes')
export class AuthorizationCode {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  // SHA-256 (hex) of the code; the code itself is never stored.
  @Column({ type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 2048 })
  redirectUri!: string;

  // Whether the authorization request named redirect_uri (then the token request must, §4.1.3).
  @Column({ type: 'boolean' })
  redirectUriSent!: boolean;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  codeChallenge!: string | null;

  // The API (RFC 8707) the tokens are for; null for the built-in API.
  @Column({ type: 'varchar', length: 255, nullable: true })
  resource!: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  codeChallengeMethod!: string | null;

  // Every token issued from this code carries this family id, so a reused code can revoke them.
  @Column({ type: 'varchar', length: 36 })
  familyId!: string;

  // OpenID requests: the sign-in behind the code (SignInContext as JSON); null otherwise.
  @Column({ type: 'text', nullable: true })
  authentication!: string | null;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  consumedAt!: Date | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}
