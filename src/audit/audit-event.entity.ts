import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ActorType } from '../common/actor';

export const AUDIT_EVENT_TYPES = [
  'client.created',
  'client.updated',
  'client.deleted',
  'client.approved',
  'client.rejected',
  'client.secret_rotated',
  'consent.granted',
  'consent.revoked',
  'token.client_credentials',
  'refresh_token.reused',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
export type AuditDetails = Record<string, string | string[]>;

// One thing that happened: what (type), who did it (actor), to whom and which application, from
// which address, when. Ids are kept as plain values so the record outlives the user or client.
@Entity('audit_events')
export class AuditEvent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  type!: AuditEventType;

  @Column({ type: 'varchar', length: 16 })
  actorType!: ActorType;

  @Column({ type: 'varchar', length: 36, nullable: true })
  actorUserId!: string | null;

  // The user the event concerns: who consented or revoked, the owner of an application.
  @Column({ type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  clientId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  details!: AuditDetails | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;
}
