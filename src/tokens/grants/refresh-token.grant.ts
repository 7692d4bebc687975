import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Client } from '../../clients/client.entity';
import { OAuthError, throwIfOAuthError } from '../../common/oauth-error';
import { requiredParam } from '../../common/oauth-params';
import { inTransaction } from '../../database/transactions';
import { AccessTokensService } from '../access-tokens.service';
import { RefreshTokenRead } from '../refresh-token.store';
import { TokenRequestDto } from '../dto/token-request.dto';
import { RefreshTokensService } from '../refresh-tokens.service';
import { Api } from '../../apis/api.entity';
import { scopeForApi } from '../../apis/api-scopes';
import { ResourceTargets } from '../resource-targets.service';
import { TokenResponse, tokenResponse } from '../token-response';
import { TokenResponseExtensions } from '../token-response-extensions';

// RFC 6749 §6 with rotation: every use returns a new refresh token of the same family. A refusal
// that revokes the family (reuse) is committed before it is answered.
//
// Statements of a rotation (the minimum; test/statement-counts.e2e-spec.ts holds it): one read of
// the client with the presented token, its family and its owner (in client authentication); then,
// in one transaction, the compare-and-set on the family row that decides and records the rotation,
// and the inserts of the new refresh token and access token (two tables). A token row is never
// updated on rotation.
@Injectable()
export class RefreshTokenGrant {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly refreshTokens: RefreshTokensService,
    private readonly accessTokens: AccessTokensService,
    private readonly extensions: TokenResponseExtensions,
    private readonly targets: ResourceTargets,
  ) {}

  async exchange(
    client: Client,
    request: TokenRequestDto,
    clientIp: string,
    read?: RefreshTokenRead,
  ): Promise<TokenResponse> {
    const presented = requiredParam(request.refresh_token, 'refresh_token');
    const requestedApi = await this.targets.requested(request);
    const outcome = await inTransaction(this.dataSource, async (manager) => {
      const rotation = await this.refreshTokens.rotate(
        manager,
        presented,
        client,
        request.scope,
        clientIp,
        read,
      );
      if (rotation.outcome === 'refused') {
        return new OAuthError('invalid_grant', rotation.reason);
      }
      if (rotation.outcome === 'invalid_scope') {
        return new OAuthError('invalid_scope', rotation.reason);
      }
      // Thrown, not returned: a refused resource rolls the rotation back (the token stays usable).
      const api = await this.apiOf(manager, rotation.resource, requestedApi);
      const scope = scopeForApi(rotation.grant.scope, api);
      if (typeof scope === 'string') {
        throw new OAuthError('invalid_scope', scope);
      }
      const grant = { ...rotation.grant, scope, api };
      const access = await this.accessTokens.issue(manager, grant);
      return this.extensions.extend(
        manager,
        { ...grant, grantType: 'refresh_token', signIn: null, accessToken: access.token },
        tokenResponse(access, scope, rotation.refreshToken),
      );
    });
    return throwIfOAuthError(outcome);
  }

  // RFC 8707 §2.2: a grant for an API gives tokens for that API only; a grant for the built-in
  // API (every scope of the client) may be narrowed to a registered API and its scopes.
  private async apiOf(
    manager: EntityManager,
    grantResource: string | null,
    requested: Api | null | undefined,
  ) {
    if (requested === undefined) {
      return this.targets.ofGrant(manager, grantResource);
    }
    if (grantResource !== null && requested?.identifier !== grantResource) {
      throw new OAuthError('invalid_target', 'resource is not the API of this grant');
    }
    return requested;
  }
}
