import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../common/actor';
import { AuditDetails, AuditEvent, AuditEventType } from './audit-event.entity';
import { AuditQueryDto } from './dto/audit.dto';

export type AuditRecord = {
  type: AuditEventType;
  actor: Actor;
  userId?: string | null;
  clientId?: string | null;
  details?: AuditDetails;
};

// The audit trail. Callers record inside the transaction that makes the change (pass its
// manager), so a change is never stored without its record, nor a record without its change.
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(manager: EntityManager, record: AuditRecord): Promise<void> {
    const event = manager.create(AuditEvent, {
      id: randomUUID(),
      type: record.type,
      actorType: record.actor.type,
      actorUserId: record.actor.userId,
      userId: record.userId ?? null,
      clientId: record.clientId ?? null,
      ip: record.actor.ip,
      details: this.detailsOf(record),
      createdAt: new Date(),
    });
    await manager.insert(AuditEvent, event);
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
