import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Consent } from '../consents/consent.entity';
import { ConsentsService } from '../consents/consents.service';
import { Actor } from '../common/actor';
import { inTransaction } from '../database/transactions';
import { RevocationService } from '../tokens/revocation.service';

const notConnected = () => new NotFoundException('no connected application with this client_id');

// A user's connected apps: the applications they approved, and taking that approval back.
@Injectable()
export class ConnectedAppsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consents: ConsentsService,
    private readonly revocation: RevocationService,
    private readonly audit: AuditService,
  ) {}

  list(userId: string): Promise<Consent[]> {
    return this.consents.listConnected(userId);
  }

  // "Revoke access": the consent goes (the next authorization request asks again) and so does
  // every code and token the user's grants gave the client, together with the audit record.
  async revoke(userId: string, clientId: string, actor: Actor): Promise<void> {
    const connected = await this.consents.listConnected(userId);
    // Compared here, byte for byte: MySQL would match `id ` to `id`.
    if (!connected.some((consent) => consent.clientId === clientId)) {
      throw notConnected();
    }
    await inTransaction(this.dataSource, async (manager) => {
      if (!(await this.consents.forget(manager, { userId, clientId }))) {
        throw notConnected();
      }
      await this.revocation.revokeGrants(manager, { userId, clientId });
      await this.audit.record(manager, { type: 'consent.revoked', actor, userId, clientId });
    });
  }
}
