import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessGrant, AccessTokensService } from './access-tokens.service';
import { RefreshTokensService } from './refresh-tokens.service';
import { TokenResponse, tokenResponse } from './token-response';

// The tokens of a new grant: an access token, and a refresh token starting a family when the
// client may use the refresh_token grant.
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly refreshTokens: RefreshTokensService,
  ) {}

  async issue(manager: EntityManager, grant: AccessGrant): Promise<TokenResponse> {
    const access = await this.accessTokens.issue(manager, grant);
    const refreshToken = grant.client.grantTypes.includes('refresh_token')
      ? await this.refreshTokens.startFamily(manager, grant)
      : undefined;
    return tokenResponse(access, grant.scope, refreshToken);
  }
}
