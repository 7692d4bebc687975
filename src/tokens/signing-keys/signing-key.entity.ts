import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('signing_keys')
export class SigningKey {
  // Never reused for another key.
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'varchar', length: 16 })
  alg!: string;

  // Public JWK as JSON.
  @Column({ type: 'text' })
  publicJwk!: string;

  // Private key, encrypted with the key-encryption key from configuration.
  @Column({ type: 'text' })
  privateKeyEncrypted!: string;

  // The key that signs new tokens is the newest one activated and not yet deactivated.
  @Column({ type: 'datetime', nullable: true })
  activatedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  deactivatedAt!: Date | null;

  // Published in the JWK Set until every token it signed has expired.
  @Column({ type: 'datetime', nullable: true })
  publishUntil!: Date | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}
