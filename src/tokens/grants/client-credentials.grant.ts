import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { Client } from '../../clients/client.entity';
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
// The hour an issuance falls in, e.g. 2026-12-03T08.
const hourOf = (date: Date) => date.toISOString().slice(0, 13);

@Injectable()
export class ClientCredentialsGrant {
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
    return inTransaction(this.dataSource, async (manager) => {
      const grant = { client, userId: null, scope, familyId: randomUUID(), api };
      const access = await this.accessTokens.issue(manager, grant);
      await this.audit.recordOnce(
        manager,
        {
          type: 'token.client_credentials',
          actor: clientActor(clientIp),
          clientId: client.clientId,
          details: { scope: scope.join(' '), ...(api && { resource: api.identifier }) },
        },
        `token.client_credentials ${client.clientId} ${hourOf(new Date())}`,
      );
      return tokenResponse(access, scope, undefined);
    });
  }
}
