import { Column, Entity, PrimaryColumn } from 'typeorm';

// Password-check attempt counters, one row per throttled key (`account:<sha256 of username>` or
// `ip:<address>`), incremented atomically in the database so every instance and the password
// grant share them.
@Entity('login_attempts')
export class LoginAttempt {
  @PrimaryColumn({ type: 'varchar', length: 191 })
  key!: string;

  @Column({ type: 'int' })
  failures!: number;

  @Column({ type: 'datetime' })
  windowStartedAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  lockedUntil!: Date | null;
}
