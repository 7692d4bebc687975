import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Client } from '../clients/client.entity';

// What a user has approved for a client: one row per user and client, holding the granted scopes.
@Entity('consents')
export class Consent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;

  // Loaded with the consent for the user's connected apps; not a column.
  client?: Client;
}
