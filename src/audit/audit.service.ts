import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../common/actor';
import { sha256Hex, timeOrderedId } from '../common/crypto';
import { AuditDetails, AuditEvent, AuditEventType } from './audit-event.entity';
import { AuditQueryDto } from './dto/audit.dto';

export type AuditRecord = {
  type: AuditEventType;
  actor: Actor;
  userId?: string | null;
  clientId?: string | null;
  details?: AuditDetails;
};

// 32 hex digits written as a UUID (the id column's shape).
const uuidShaped = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

// The audit trail. Callers record inside the transaction that makes the change (pass its
// manager), so a change is never stored without its record, nor a record without its change.
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(manager: EntityManager, record: AuditRecord): Promise<void> {
    await manager.insert(AuditEvent, this.eventOf(record, timeOrderedId()));
  }

  // A record kept once per `key`: a second one with the same key is dropped by the database (its
  // id is derived from the key), in the same single statement, so instances never race.
  async recordOnce(manager: EntityManager, record: AuditRecord, key: string): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(AuditEvent)
      .values(this.eventOf(record, uuidShaped(sha256Hex(key))))
      .orIgnore()
      .execute();
  }

  private eventOf(record: AuditRecord, id: string): AuditEvent {
    return Object.assign(new AuditEvent(), {
      id,
      type: record.type,
      actorType: record.actor.type,
      actorUserId: record.actor.userId,
      userId: record.userId ?? null,
      clientId: record.clientId ?? null,
      ip: record.actor.ip,
      details: this.detailsOf(record),
      createdAt: new Date(),
    });
  }

  // What the record says, plus the application a user acted through (an access token's client).
  private detailsOf({ details, actor }: AuditRecord): AuditDetails | null {
    if (actor.viaClientId === undefined) {
      return details ?? null;
    }
    return { ...details, via_client_id: actor.viaClientId };
  }

  // Newest first. A user filter matches the user an event concerns and the user who acted.
  list(query: AuditQueryDto): Promise<AuditEvent[]> {
    const select = this.events.createQueryBuilder('event');
    if (query.user_id !== undefined) {
      select.andWhere('(event.userId = :user OR event.actorUserId = :user)', {
        user: query.user_id,
      });
    }
    if (query.client_id !== undefined) {
      select.andWhere('event.clientId = :client', { client: query.client_id });
    }
    if (query.type !== undefined) {
      select.andWhere('event.type = :type', { type: query.type });
    }
    if (query.since !== undefined) {
      select.andWhere('event.createdAt >= :since', { since: new Date(query.since) });
    }
    if (query.until !== undefined) {
      select.andWhere('event.createdAt < :until', { until: new Date(query.until) });
    }
    return select
      .orderBy('event.createdAt', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .take(query.limit)
      .skip(query.offset)
      .getMany();
  }
}
