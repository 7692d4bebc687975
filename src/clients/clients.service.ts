import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { generateOpaqueSecret, sha256Hex } from '../common/crypto';
import { PaginationQueryDto } from '../common/pagination.dto';
import { ValidationFailedException } from '../common/validation';
import { SINGLE_STATEMENT } from '../database/transactions';
import { Client } from './client.entity';
import { clientRuleProblems } from './client-metadata';
import { CreateClientDto, UpdateClientDto } from './dto/client.dto';

export type IssuedClient = { client: Client; secret?: string };

@Injectable()
export class ClientsService {
  constructor(@InjectRepository(Client) private readonly clients: Repository<Client>) {}

  // The secret is returned here once; only its SHA-256 is stored.
  async create(input: CreateClientDto): Promise<IssuedClient> {
    const now = new Date();
    const client = this.clients.create({
      clientId: generateOpaqueSecret(16),
      secretHash: null,
      clientName: input.client_name,
      redirectUris: input.redirect_uris ?? [],
      grantTypes: input.grant_types ?? ['authorization_code', 'refresh_token'],
      scope: input.scope ?? 'profile email',
      tokenEndpointAuthMethod: input.token_endpoint_auth_method ?? 'client_secret_basic',
      accessTokenFormat: input.access_token_format ?? 'opaque',
      requirePkce: input.require_pkce ?? true,
      allowedOrigins: input.allowed_origins ?? [],
      skipConsent: input.skip_consent ?? false,
      introspectionAllowed: input.introspection_allowed ?? false,
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    });
    this.assertRulesHold(client);
    const secret = client.isPublic ? undefined : this.setNewSecret(client);
    return { client: await this.clients.save(client, SINGLE_STATEMENT), secret };
  }

  list(page: PaginationQueryDto): Promise<Client[]> {
    return this.clients.find({
      order: { createdAt: 'ASC', clientId: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }

  // The client an OAuth request names, if it exists and is enabled.
  async findEnabled(clientId: string): Promise<Client | null> {
    const client = await this.findExactly(clientId);
    return client?.enabled ? client : null;
  }

  // Whether an enabled client lists this browser origin in allowed_origins (CORS). The LIKE narrows
  // the rows to those whose JSON list holds the quoted origin; the exact check is done in code.
  async isAllowedOrigin(origin: string): Promise<boolean> {
    const quoted = JSON.stringify(origin).replace(/[!%_]/g, '!$&');
    const candidates = await this.clients
      .createQueryBuilder('client')
      .select(['client.clientId', 'client.allowedOrigins'])
      .where('client.enabled = :enabled', { enabled: true })
      .andWhere("client.allowed_origins LIKE :pattern ESCAPE '!'", { pattern: `%${quoted}%` })
      .getMany();
    return candidates.some((client) => client.allowedOrigins.includes(origin));
  }

  async get(clientId: string): Promise<Client> {
    const client = await this.findExactly(clientId);
    if (!client) {
      throw new NotFoundException('client not found');
    }
    return client;
  }

  // MySQL's binary collation still ignores trailing spaces (PAD SPACE): `id ` would find `id`.
  // The id must match byte for byte, as it does on SQLite.
  private async findExactly(clientId: string): Promise<Client | null> {
    const client = await this.clients.findOneBy({ clientId });
    return client?.clientId === clientId ? client : null;
  }

  async update(clientId: string, changes: UpdateClientDto): Promise<Client> {
    const client = await this.get(clientId);
    const wasPublic = client.isPublic;
    this.clients.merge(client, {
      clientName: changes.client_name,
      redirectUris: changes.redirect_uris,
      grantTypes: changes.grant_types,
      scope: changes.scope,
      tokenEndpointAuthMethod: changes.token_endpoint_auth_method,
      accessTokenFormat: changes.access_token_format,
      requirePkce: changes.require_pkce,
      allowedOrigins: changes.allowed_origins,
      skipConsent: changes.skip_consent,
      introspectionAllowed: changes.introspection_allowed,
      enabled: changes.enabled,
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
    return this.clients.save(client, SINGLE_STATEMENT);
  }

  async remove(clientId: string): Promise<void> {
    const { affected } = await this.clients.delete({ clientId });
    if (!affected) {
      throw new NotFoundException('client not found');
    }
  }

  // Rotation: the old secret stops working at once; the new one is returned this one time.
  async rotateSecret(clientId: string): Promise<IssuedClient> {
    const client = await this.get(clientId);
    if (client.isPublic) {
      throw new ValidationFailedException({
        token_endpoint_auth_method: ['public clients (none) have no secret to rotate'],
      });
    }
    const secret = this.setNewSecret(client);
    client.updatedAt = new Date();
    return { client: await this.clients.save(client, SINGLE_STATEMENT), secret };
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
