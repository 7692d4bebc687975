import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditDetails } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { generateClientId, generateOpaqueSecret, sha256Hex } from '../common/crypto';
import { ValidationFailedException } from '../common/validation';
import { Row } from '../database/sql';
import { CLIENT_COLUMNS, clientOfRow } from './client-row';
import { inTransaction } from '../database/transactions';
import { Client, ClientStatus } from './client.entity';
import { clientEvent, ClientEventRecord } from './client-events';
import { clientRuleProblems, defaultGrantTypes } from './client-metadata';
import { changedReviewedFields } from './reviewed-fields';
import { CreateClientDto, ListClientsQueryDto, UpdateClientDto } from './dto/client.dto';

export type IssuedClient = { client: Client; secret?: string };

// A developer's application: who registered it and the status it starts in.
export type Ownership = { ownerId: string; status: ClientStatus };

// Clients: registration, changes, secret rotation, deletion and lookup. Every change is stored
// together with its audit record. An operator's review is ClientReviews', the CORS origin lookup
// ClientOrigins'.
@Injectable()
export class ClientsService {
  private readonly byId: string;

  constructor(
    @InjectRepository(Client) private readonly clients: Repository<Client>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {
    this.byId = `SELECT ${CLIENT_COLUMNS(dataSource)} FROM clients c WHERE c.client_id = ?`;
  }

  // The secret is returned here once; only its SHA-256 is stored. An operator's client is approved
  // at once; a developer's starts in the status its ownership says.
  async create(input: CreateClientDto, actor: Actor, owner?: Ownership): Promise<IssuedClient> {
    const now = new Date();
    const client = this.clients.create({
      clientId: generateClientId(),
      secretHash: null,
      clientName: input.client_name,
      redirectUris: input.redirect_uris ?? [],
      grantTypes:
        input.grant_types ??
        defaultGrantTypes({
          introspectionAllowed: input.introspection_allowed ?? false,
          redirectUris: input.redirect_uris ?? [],
        }),
      scope: input.scope ?? 'profile email',
      tokenEndpointAuthMethod: input.token_endpoint_auth_method ?? 'client_secret_basic',
      accessTokenFormat: input.access_token_format ?? 'opaque',
      requirePkce: input.require_pkce ?? true,
      idTokenSignedResponseAlg: input.id_token_signed_response_alg ?? 'RS256',
      postLogoutRedirectUris: input.post_logout_redirect_uris ?? [],
      backchannelLogoutUri: input.backchannel_logout_uri ?? null,
      backchannelLogoutSessionRequired: input.backchannel_logout_session_required ?? false,
      jwks: input.jwks ?? null,
      jwksUri: input.jwks_uri ?? null,
      allowedOrigins: input.allowed_origins ?? [],
      skipConsent: input.skip_consent ?? false,
      introspectionAllowed: input.introspection_allowed ?? false,
      enabled: input.enabled ?? true,
      status: owner?.status ?? 'approved',
      ownerId: owner?.ownerId ?? null,
      clientUri: input.client_uri ?? null,
      description: input.description ?? null,
      rejectionReason: null,
      reviewVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    this.assertRulesHold(client);
    const secret = client.isPublic || client.usesKeys ? undefined : this.setNewSecret(client);
    const saved = await this.saveRecorded(client, {
      type: 'client.created',
      actor,
      details: { status: client.status },
    });
    return { client: saved, secret };
  }

  list(query: ListClientsQueryDto, ownerId?: string): Promise<Client[]> {
    return this.clients.find({
      where: { status: query.status, ownerId },
      order: { createdAt: 'ASC', clientId: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
  }

  // The client an OAuth request names, if the OAuth endpoints may serve it: it exists, is
  // enabled and is approved.
  async findUsable(clientId: string): Promise<Client | null> {
    const client = await this.find(clientId);
    return client?.isUsable ? client : null;
  }

  async get(clientId: string): Promise<Client> {
    const client = await this.find(clientId);
    if (!client) {
      throw new NotFoundException('client not found');
    }
    return client;
  }

  // The client by id whatever its state (read on every revocation and introspection request,
  // hence prepared), matched byte for byte (see clientOfRow). Inside a transaction, pass its manager.
  async find(clientId: string, manager?: EntityManager): Promise<Client | null> {
    const [raw] = await (manager ?? this.dataSource).query<Row[]>(this.byId, [clientId]);
    return clientOfRow(this.dataSource, raw ?? null, clientId);
  }

  // `needsReview`: a change to what operators review sends the client back to them (a developer's
  // application while approval is required). Either way such a change is a new review version.
  // One UPDATE writes the change, the version and the status, so a decision on the old version,
  // however close in time, cannot cover the new one (see ClientReviews).
  async update(
    clientId: string,
    changes: UpdateClientDto,
    actor: Actor,
    needsReview = false,
  ): Promise<Client> {
    const client = await this.get(clientId);
    const before = { ...client };
    const wasPublic = client.isPublic;
    this.clients.merge(client, {
      clientName: changes.client_name,
      redirectUris: changes.redirect_uris,
      grantTypes: changes.grant_types,
      scope: changes.scope,
      tokenEndpointAuthMethod: changes.token_endpoint_auth_method,
      accessTokenFormat: changes.access_token_format,
      requirePkce: changes.require_pkce,
      idTokenSignedResponseAlg: changes.id_token_signed_response_alg,
      postLogoutRedirectUris: changes.post_logout_redirect_uris,
      backchannelLogoutUri: changes.backchannel_logout_uri,
      backchannelLogoutSessionRequired: changes.backchannel_logout_session_required,
      jwks: changes.jwks,
      jwksUri: changes.jwks_uri,
      allowedOrigins: changes.allowed_origins,
      skipConsent: changes.skip_consent,
      introspectionAllowed: changes.introspection_allowed,
      enabled: changes.enabled,
      clientUri: changes.client_uri,
      description: changes.description,
      updatedAt: new Date(),
    });
    if (client.isPublic !== wasPublic) {
      // A public client has no secret and a confidential one must have one: register a new client.
      throw new ValidationFailedException({
        token_endpoint_auth_method: [
          'cannot switch between a public client (none) and a confidential one; create a new client',
        ],
      });
    }
    this.assertRulesHold(client);
    const reviewed = changedReviewedFields(before, client).length > 0;
    const resubmit = needsReview && reviewed;
    return inTransaction(this.dataSource, async (manager) => {
      const { affected } = await manager.update(
        Client,
        { clientId: client.clientId },
        {
          ...changedValues(before, client),
          ...(reviewed && { reviewVersion: () => 'review_version + 1' }),
          ...(resubmit && { status: 'pending', rejectionReason: null }),
        },
      );
      const saved = affected ? await manager.findOneBy(Client, { clientId }) : null;
      if (saved?.clientId !== clientId) {
        throw new NotFoundException('client not found');
      }
      await this.audit.record(
        manager,
        clientEvent(saved, {
          type: 'client.updated',
          actor,
          details: this.updateDetails(changes, before, saved),
        }),
      );
      return saved;
    });
  }

  async remove(clientId: string, actor: Actor): Promise<void> {
    const client = await this.get(clientId);
    await inTransaction(this.dataSource, async (manager) => {
      const { affected } = await manager.delete(Client, { clientId: client.clientId });
      if (!affected) {
        throw new NotFoundException('client not found');
      }
      await this.audit.record(manager, clientEvent(client, { type: 'client.deleted', actor }));
    });
  }

  // Rotation: the old secret stops working at once; the new one is returned this one time.
  async rotateSecret(clientId: string, actor: Actor): Promise<IssuedClient> {
    const client = await this.get(clientId);
    if (client.isPublic || client.usesKeys) {
      throw new ValidationFailedException({
        token_endpoint_auth_method: [
          client.usesKeys
            ? 'private_key_jwt clients have no secret to rotate: change their keys'
            : 'public clients (none) have no secret to rotate',
        ],
      });
    }
    const secret = this.setNewSecret(client);
    client.updatedAt = new Date();
    return {
      client: await this.saveRecorded(client, { type: 'client.secret_rotated', actor }),
      secret,
    };
  }

  private saveRecorded(client: Client, record: ClientEventRecord) {
    return inTransaction(this.dataSource, async (manager) => {
      const saved = await manager.save(client);
      await this.audit.record(manager, clientEvent(saved, record));
      return saved;
    });
  }

  private updateDetails(
    changes: UpdateClientDto,
    before: Pick<Client, 'redirectUris' | 'reviewVersion' | 'status'>,
    after: Client,
  ): AuditDetails {
    const fields = Object.entries(changes)
      .filter(([, value]) => value !== undefined)
      .map(([field]) => field)
      .sort();
    return {
      fields,
      ...(changes.redirect_uris && {
        previous_redirect_uris: before.redirectUris,
        redirect_uris: after.redirectUris,
      }),
      ...(after.status !== before.status && { status: after.status }),
      ...(after.reviewVersion !== before.reviewVersion && {
        review_version: String(after.reviewVersion),
      }),
    };
  }

  private setNewSecret(client: Client): string {
    const secret = generateOpaqueSecret(32);
    client.secretHash = sha256Hex(secret);
    return secret;
  }

  private assertRulesHold(client: Client): void {
    const problems = clientRuleProblems(client);
    if (Object.keys(problems).length > 0) {
      throw new ValidationFailedException(problems);
    }
  }
}

// The columns an edit changed (only those are written, so a concurrent secret rotation or status
// change is not overwritten with what was read before it).
function changedValues(before: Partial<Client>, after: Client): QueryDeepPartialEntity<Client> {
  return Object.fromEntries(
    Object.entries(after).filter(
      ([key, value]) => JSON.stringify(value) !== JSON.stringify(before[key as keyof Client]),
    ),
  );
}
