import {
  ConflictException,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConfigService } from '@nestjs/config';
import { Client } from '../clients/client.entity';
import { ClientsService, IssuedClient } from '../clients/clients.service';
import { Actor } from '../common/actor';
import { ValidationFailedException } from '../common/validation';
import { Env } from '../config/env.validation';
import { isMysql } from '../database/named-query';
import { RegisterAppDto, UpdateAppDto } from './dto/developer-app.dto';

export const MAX_APPS_PER_DEVELOPER = 50;

// A browser app (public client) calls the token endpoint from the pages it is redirected to, so
// those pages' origins are its CORS origins.
function originsOf(redirectUris: string[]): string[] {
  return [...new Set(redirectUris.map((uri) => new URL(uri).origin))];
}

// Developers' own applications: registered through the portal, pending until an operator approves
// them (unless DEVELOPER_APPS_AUTO_APPROVE), and again after their redirect URIs change; reachable
// only by their owner. A developer's app
// gets the authorization_code and refresh_token grants with PKCE, consent always asked, and only
// the scopes listed in DEVELOPER_SCOPES.
@Injectable()
export class DeveloperAppsService {
  readonly requiresApproval: boolean;
  readonly availableScopes: string[];

  private readonly registering = new Map<string, Promise<unknown>>();

  constructor(
    private readonly clients: ClientsService,
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService<Env, true>,
  ) {
    this.requiresApproval = !config.get('DEVELOPER_APPS_AUTO_APPROVE', { infer: true });
    this.availableScopes = config.get('DEVELOPER_SCOPES', { infer: true });
  }

  // The count and the insert run one registration of an owner at a time (ownerExclusively), so
  // parallel registrations cannot all see room under the limit.
  async register(ownerId: string, input: RegisterAppDto, actor: Actor): Promise<IssuedClient> {
    const scope = this.allowedScope(input.scope);
    return this.ownerExclusively(ownerId, async () => {
      if ((await this.list(ownerId)).length >= MAX_APPS_PER_DEVELOPER) {
        throw new ConflictException(
          `you can register at most ${MAX_APPS_PER_DEVELOPER} applications; delete one first`,
        );
      }
      return this.create(ownerId, input, scope, actor);
    });
  }

  private create(
    ownerId: string,
    input: RegisterAppDto,
    scope: string,
    actor: Actor,
  ): Promise<IssuedClient> {
    const method = input.token_endpoint_auth_method ?? 'client_secret_basic';
    const redirectUris = input.redirect_uris ?? [];
    return this.clients.create(
      {
        ...input,
        scope,
        token_endpoint_auth_method: method,
        grant_types: ['authorization_code', 'refresh_token'],
        allowed_origins: method === 'none' ? originsOf(redirectUris) : [],
      },
      actor,
      { ownerId, status: this.requiresApproval ? 'pending' : 'approved' },
    );
  }

  // One registration per owner at a time: in this process by a queue per owner, and across the
  // instances sharing a MySQL database by a named lock (SQLite has one writer process).
  private ownerExclusively<T>(ownerId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.registering.get(ownerId) ?? Promise.resolve();
    const run = previous.then(() => this.underNamedLock(`portcullis:apps:${ownerId}`, work));
    const settled = run.catch(() => undefined);
    this.registering.set(ownerId, settled);
    void settled.then(() => {
      if (this.registering.get(ownerId) === settled) {
        this.registering.delete(ownerId);
      }
    });
    return run;
  }

  private async underNamedLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    if (!isMysql(this.dataSource)) {
      return work();
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      const [row] = (await runner.query('SELECT GET_LOCK(?, 10) AS acquired', [name])) as {
        acquired: number | string | null;
      }[];
      if (Number(row?.acquired) !== 1) {
        throw new ServiceUnavailableException('too many registrations at once; try again');
      }
      try {
        return await work();
      } finally {
        await runner.query('SELECT RELEASE_LOCK(?)', [name]);
      }
    } finally {
      await runner.release();
    }
  }

  list(ownerId: string): Promise<Client[]> {
    return this.clients.list({ limit: MAX_APPS_PER_DEVELOPER, offset: 0 }, ownerId);
  }

  // Someone else's application and one that does not exist look the same.
  async get(ownerId: string, clientId: string): Promise<Client> {
    const client = await this.clients.find(clientId);
    if (client?.ownerId !== ownerId) {
      throw new NotFoundException('application not found');
    }
    return client;
  }

  async update(
    ownerId: string,
    clientId: string,
    changes: UpdateAppDto,
    actor: Actor,
  ): Promise<Client> {
    const client = await this.get(ownerId, clientId);
    const redirectUris = changes.redirect_uris;
    const origins = client.isPublic && redirectUris ? originsOf(redirectUris) : undefined;
    // Operators approved where this application sends people (and, for a browser app, where it
    // may call from): new redirect URIs go back to them before they are used, as a new review
    // version (ClientsService.update stores the change, the version and the status in one UPDATE).
    return this.clients.update(
      clientId,
      { description: changes.description, redirect_uris: redirectUris, allowed_origins: origins },
      actor,
      this.requiresApproval,
    );
  }

  async remove(ownerId: string, clientId: string, actor: Actor): Promise<void> {
    await this.get(ownerId, clientId);
    await this.clients.remove(clientId, actor);
  }

  async rotateSecret(ownerId: string, clientId: string, actor: Actor): Promise<IssuedClient> {
    await this.get(ownerId, clientId);
    return this.clients.rotateSecret(clientId, actor);
  }

  // RFC 6749 §3.3: no scope asked means every scope on offer.
  private allowedScope(scope: string | undefined): string {
    if (scope === undefined) {
      return this.availableScopes.join(' ');
    }
    if (!scope.split(' ').every((name) => this.availableScopes.includes(name))) {
      throw new ValidationFailedException({
        scope: [`may only include: ${this.availableScopes.join(', ')}`],
      });
    }
    return scope;
  }
}
