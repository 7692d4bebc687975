import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Client } from '../clients/client.entity';
import { CLIENT_COLUMNS, clientOfRow } from '../clients/client-row';
import { Actor } from '../common/actor';
import { GrantsOf } from '../common/grants';
import { Sql } from '../database/sql';
import { inTransaction } from '../database/transactions';
import { Consent } from './consent.entity';

// What one user has approved for one client so far.
export type Approved = { userId: string | null; scopes: string[] };

// Whether `approved` (read for `userId`) covers every scope of a request; a new scope asks again.
export function covers(approved: Approved, userId: string, scopes: string[]): boolean {
  return approved.userId === userId && scopes.every((scope) => approved.scopes.includes(scope));
}

// Remembered consent: per user and client, the set of scopes approved so far. A request is covered
// when every scope it asks for was approved; a new scope asks again.
@Injectable()
export class ConsentsService {
  private readonly clientWithConsent: string;
  private readonly sql: Sql;

  constructor(
    @InjectRepository(Consent) private readonly consents: Repository<Consent>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {
    this.clientWithConsent = `SELECT ${CLIENT_COLUMNS(dataSource)}, k.scope AS consent_scope
      FROM clients c LEFT JOIN consents k ON k.client_id = c.client_id AND k.user_id = ?
      WHERE c.client_id = ?`;
    this.sql = new Sql(dataSource);
  }

  // The client an authorization request names, with what `userId` (the session's user, if any)
  // has approved for it so far, in one read. Null for no such client.
  async clientFor(
    clientId: string,
    userId: string | null,
  ): Promise<{ client: Client; approved: Approved } | null> {
    const raw = await this.sql.row(null, this.clientWithConsent, [userId, clientId]);
    const client = clientOfRow(this.dataSource, raw, clientId);
    if (!raw || !client) {
      return null;
    }
    const scope = raw.consent_scope;
    return { client, approved: { userId, scopes: scope === null ? [] : String(scope).split(' ') } };
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
