import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Client } from '../../clients/client.entity';
import { OAuthError, throwIfOAuthError } from '../../common/oauth-error';
import { requiredParam } from '../../common/oauth-params';
import { inTransaction } from '../../database/transactions';
import { AccessTokensService } from '../access-tokens.service';
import { TokenRequestDto } from '../dto/token-request.dto';
import { RefreshTokensService } from '../refresh-tokens.service';
import { TokenResponse, tokenResponse } from '../token-response';
import { TokenResponseExtensions } from '../token-response-extensions';

// RFC 6749 §6 with rotation: every use returns a new refresh token of the same family. A refusal
// that revokes the family (reuse) is committed before it is answered.
@Injectable()
export class RefreshTokenGrant {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly refreshTokens: RefreshTokensService,
    private readonly accessTokens: AccessTokensService,
    private readonly extensions: TokenResponseExtensions,
  ) {}

  async exchange(client: Client, request: TokenRequestDto): Promise<TokenResponse> {
    const presented = requiredParam(request.refresh_token, 'refresh_token');
    const outcome = await inTransaction(this.dataSource, async (manager) => {
      const rotation = await this.refreshTokens.rotate(manager, presented, client, request.scope);
      if (rotation.outcome === 'refused') {
        return new OAuthError('invalid_grant', rotation.reason);
      }
      if (rotation.outcome === 'invalid_scope') {
        return new OAuthError('invalid_scope', rotation.reason);
      }
      const { grant } = rotation;
      const access = await this.accessTokens.issue(manager, grant);
      return this.extensions.extend(
        manager,
        { ...grant, grantType: 'refresh_token', signIn: null, accessToken: access.token },
        tokenResponse(access, grant.scope, rotation.refreshToken),
      );
    });
    return throwIfOAuthError(outcome);
  }
}
