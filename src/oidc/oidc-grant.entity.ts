import { Column, Entity, PrimaryColumn } from 'typeorm';

// The sign-in behind one OpenID grant (a token family): what its refreshed ID tokens repeat
// (OpenID Connect Core §12.2), the claims its userinfo answers add, and the browser session it
// came from.
@Entity('oidc_grants')
export class OidcGrant {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  familyId!: string;

  @Column({ type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  // The session's sid; null for the password grant (no browser session).
  @Column({ type: 'varchar', length: 64, nullable: true })
  sid!: string | null;

  @Column({ type: 'datetime' })
  authTime!: Date;

  // RFC 8176 values, space-separated.
  @Column({ type: 'varchar', length: 64 })
  amr!: string;

  // RequestedClaims as JSON; null when the request had no claims parameter.
  @Column({ type: 'text', nullable: true })
  claims!: string | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}
