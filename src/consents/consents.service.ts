import { PreparedFind } from '../database/prepared-select';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Client } from '../clients/client.entity';
import { Actor } from '../common/actor';
import { GrantsOf } from '../common/grants';
import { inTransaction } from '../database/transactions';
import { Consent } from './consent.entity';

// Remembered consent: per user and client, the set of scopes approved so far. A request is covered
// when every scope it asks for was approved; a new scope asks again.
@Injectable()
export class ConsentsService {
  private readonly byUserAndClient: PreparedFind<Consent, 'userId' | 'clientId'>;

  constructor(
    @InjectRepository(Consent) private readonly consents: Repository<Consent>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {
    this.byUserAndClient = new PreparedFind(dataSource, Consent, ['userId', 'clientId']);
  }

  async covers(userId: string, clientId: string, scopes: string[]): Promise<boolean> {
    const consent = await this.byUserAndClient.one({ userId, clientId });
    const granted = new Set(consent?.scope.split(' ') ?? []);
    return consent !== null && scopes.every((scope) => granted.has(scope));
  }

  // Stores the user's approval (with its audit record).
  async remember(actor: Actor, userId: string, clientId: string, scopes: string[]) {
    await inTransaction(this.dataSource, async (manager) => {
      const consents = manager.getRepository(Consent);
      const existing = await consents.findOneBy({ userId, clientId });
      const scope = [...new Set([...(existing?.scope.split(' ') ?? []), ...scopes])].join(' ');
      const now = new Date();
      await consents.upsert(
        {
          id: existing?.id ?? randomUUID(),
          userId,
          clientId,
          scope,
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        },
        { conflictPaths: ['userId', 'clientId'] },
      );
      await this.audit.record(manager, {
        type: 'consent.granted',
        actor,
        userId,
        clientId,
        details: { scope: scopes.join(' ') },
      });
    });
  }

  // The applications this user has approved (each consent with its client), most recently
  // approved first.
  listConnected(userId: string): Promise<Consent[]> {
    return this.consents
      .createQueryBuilder('consent')
      .innerJoinAndMapOne('consent.client', Client, 'client', 'client.clientId = consent.clientId')
      .where('consent.userId = :userId', { userId })
      .orderBy('consent.updatedAt', 'DESC')
      .addOrderBy('consent.clientId', 'ASC')
      .getMany();
  }

  // Deletes the consents to a client (of one user, or of all); whether there was one.
  async forget(manager: EntityManager, grants: GrantsOf): Promise<boolean> {
    const { affected } = await manager.delete(Consent, grants);
    return Boolean(affected);
  }
}
