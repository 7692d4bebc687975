import { Column, Entity, PrimaryColumn } from 'typeorm';

// A client assertion already used (RFC 7523 §3 item 7), kept until it expires.
@Entity('client_assertion_jtis')
export class ClientAssertionJti {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  clientId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  jtiHash!: string;

  @Column({ type: 'datetime' })
  expiresAt!: Date;
}
