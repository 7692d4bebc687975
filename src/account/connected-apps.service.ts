import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ClientsService } from '../clients/clients.service';
import { Consent } from '../consents/consent.entity';
import { ConsentsService } from '../consents/consents.service';
import { Actor } from '../common/actor';
import { inTransaction } from '../database/transactions';
import { HeldGrantsService } from '../tokens/held-grants.service';
import { RevocationService } from '../tokens/revocation.service';

const notConnected = () => new NotFoundException('no connected application with this client_id');

// An application with access to the user's account: approved on the consent page (`consentedAt`),
// holding the user's tokens (`scope` and `since` from them, for a password-grant app that never
// asked for consent), or both.
export type ConnectedApp = {
  clientId: string;
  clientName: string;
  clientUri: string | null;
  scope: string[];
  since: Date;
  consentedAt: Date | null;
};

// A user's connected apps: the applications they approved or that hold their tokens, and taking
// that access back.
@Injectable()
export class ConnectedAppsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consents: ConsentsService,
    private readonly heldGrants: HeldGrantsService,
    private readonly clients: ClientsService,
    private readonly revocation: RevocationService,
    private readonly audit: AuditService,
  ) {}

  // The approvals (the JSON API's list).
  list(userId: string): Promise<Consent[]> {
    return this.consents.listConnected(userId);
  }

  // Every application with access: approvals first (newest first), then apps that only hold tokens.
  async listWithAccess(userId: string): Promise<ConnectedApp[]> {
    const consents = await this.consents.listConnected(userId);
    const held = new Map(
      (await this.heldGrants.heldBy(userId)).map((grant) => [grant.clientId, grant]),
    );
    const apps: ConnectedApp[] = consents.map((consent) => ({
      clientId: consent.clientId,
      clientName: consent.client?.clientName ?? consent.clientId,
      clientUri: consent.client?.clientUri ?? null,
      scope: consent.scope.split(' '),
      since: consent.updatedAt,
      consentedAt: consent.updatedAt,
    }));
    for (const consent of consents) {
      held.delete(consent.clientId);
    }
    for (const grant of held.values()) {
      const client = await this.clients.find(grant.clientId);
      if (client) {
        apps.push({
          clientId: grant.clientId,
          clientName: client.clientName,
          clientUri: client.clientUri,
          scope: grant.scope,
          since: grant.since,
          consentedAt: null,
        });
      }
    }
    return apps;
  }

  async find(userId: string, clientId: string): Promise<ConnectedApp> {
    // Compared here, byte for byte: MySQL would match `id ` to `id`.
    const app = (await this.listWithAccess(userId)).find((each) => each.clientId === clientId);
    if (!app) {
      throw notConnected();
    }
    return app;
  }

  // "Revoke access": the consent goes (the next authorization request asks again) and so does
  // every code and token the user's grants gave the client, together with the audit record.
  async revoke(userId: string, clientId: string, actor: Actor): Promise<void> {
    await this.find(userId, clientId);
    await inTransaction(this.dataSource, async (manager) => {
      await this.consents.forget(manager, { userId, clientId });
      await this.revocation.revokeGrants(manager, { userId, clientId });
      await this.audit.record(manager, { type: 'consent.revoked', actor, userId, clientId });
    });
  }
}
