import { Column, Entity, PrimaryColumn } from 'typeorm';

// Server-side browser sessions, shared by every instance that uses the same database.
@Entity('sessions')
export class Session {
  // HMAC-SHA-256 (hex, keyed with SESSION_SECRET) of the session id carried by the cookie.
  @PrimaryColumn({ type: 'varchar', length: 64 })
  idHash!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  @Column({ type: 'text' })
  data!: string;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;

  // Incremented by every write; a write names the version it read (optimistic concurrency).
  @Column({ type: 'int' })
  version!: number;
}
