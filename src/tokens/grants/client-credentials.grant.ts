import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { Client } from '../../clients/client.entity';
import { timeOrderedId } from '../../common/crypto';
import { clientActor } from '../../common/actor';
import { OAuthError } from '../../common/oauth-error';
import { resolveScope, scopeList } from '../../common/scope';
import { inTransaction } from '../../database/transactions';
import { AccessTokensService } from '../access-tokens.service';
import { TokenRequestDto } from '../dto/token-request.dto';
import { scopeForApi } from '../../apis/api-scopes';
import { ResourceTargets } from '../resource-targets.service';
import { TokenResponse, tokenResponse } from '../token-response';

// RFC 6749 §4.4: a confidential client asks for a token for itself. No user, no consent and no
// refresh token (§4.4.3); the scope is what the client is registered for, or part of it. The audit
// trail records issuance per client, not per token (a busy service asks for thousands an hour):
// its first issuance in each hour, with the client as the actor, in the token's transaction.
// Each instance remembers the hours it has recorded, so a client's other tokens of that hour are
// one INSERT each, with no transaction; instances that record the same hour write one row (its id
// is derived from the client and the hour, and a duplicate is dropped).
//
// Statements (the minimum; test/statement-counts.e2e-spec.ts holds it): the client, its rate-limit
// window (one upsert that counts and tells; none when the limit is kept in Redis), the token's
// insert, and once an hour per client and instance the audit insert, in a transaction with it.
// The hour an issuance falls in, e.g. 2026-12-03T08.
const hourOf = (date: Date) => date.toISOString().slice(0, 13);
// Clients remembered at most; beyond, the memory starts again (each client's next token of the
// hour is then audited again, as a no-op).
const REMEMBERED_CLIENTS = 10_000;

@Injectable()
export class ClientCredentialsGrant {
  // Per client, the last hour this instance recorded an issuance for.
  private readonly auditedHour = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accessTokens: AccessTokensService,
    private readonly audit: AuditService,
    private readonly targets: ResourceTargets,
  ) {}

  async exchange(
    client: Client,
    request: TokenRequestDto,
    clientIp: string,
  ): Promise<TokenResponse> {
    // Public clients cannot be registered with this grant; this is the second line.
    if (client.isPublic) {
      throw new OAuthError(
        'unauthorized_client',
        'public clients may not use the client_credentials grant',
      );
    }
    const api = (await this.targets.requested(request)) ?? null;
    const requested = resolveScope(request.scope, scopeList(client.scope));
    const scope = typeof requested === 'string' ? requested : scopeForApi(requested, api);
    if (typeof scope === 'string') {
      throw new OAuthError('invalid_scope', scope);
    }
    const grant = { client, userId: null, scope, familyId: timeOrderedId(), api };
    const hour = hourOf(new Date());
    if (this.auditedHour.get(client.clientId) === hour) {
      const access = await this.accessTokens.issue(this.dataSource.manager, grant);
      return tokenResponse(access, scope, undefined);
    }
    const response = await inTransaction(this.dataSource, async (manager) => {
      const access = await this.accessTokens.issue(manager, grant);
      await this.audit.recordOnce(
        manager,
        {
          type: 'token.client_credentials',
          actor: clientActor(clientIp),
          clientId: client.clientId,
          details: { scope: scope.join(' '), ...(api && { resource: api.identifier }) },
        },
        `token.client_credentials ${client.clientId} ${hour}`,
      );
      return tokenResponse(access, scope, undefined);
    });
    if (this.auditedHour.size >= REMEMBERED_CLIENTS) {
      this.auditedHour.clear();
    }
    this.auditedHour.set(client.clientId, hour);
    return response;
  }
}
