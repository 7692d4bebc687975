import { Column, Entity, PrimaryColumn } from 'typeorm';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

// The back-channel logout outbox (Back-Channel Logout 1.0 §2.5): one logout token for one client,
// written with the sign-out and delivered after it, with retries.
@Entity('backchannel_logouts')
export class BackchannelLogout {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'text' })
  logoutToken!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @Column({ type: 'int' })
  attempts!: number;

  @Column({ type: 'datetime' })
  nextAttemptAt!: Date;

  // An instance delivering it holds it until then; another may take it over after.
  @Column({ type: 'datetime', nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  deliveredAt!: Date | null;
}
