import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessGrant, AccessTokensService } from './access-tokens.service';
import { RefreshTokensService } from './refresh-tokens.service';
import { TokenResponse, tokenResponse } from './token-response';
import { IssuedGrant, TokenResponseExtensions } from './token-response-extensions';

// How the grant came to be: its grant type, and for a code, the sign-in behind it.
export type GrantOrigin = Pick<IssuedGrant, 'grantType' | 'signIn'>;

// The tokens of a new grant: an access token, and a refresh token starting a family when the
// client may use the refresh_token grant.
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly extensions: TokenResponseExtensions,
  ) {}

  async issue(
    manager: EntityManager,
    grant: AccessGrant,
    origin: GrantOrigin,
  ): Promise<TokenResponse> {
    const access = await this.accessTokens.issue(manager, grant);
    const refreshToken = grant.client.grantTypes.includes('refresh_token')
      ? await this.refreshTokens.startFamily(manager, grant)
      : undefined;
    return this.extensions.extend(
      manager,
      { ...grant, ...origin, accessToken: access.token },
      tokenResponse(access, grant.scope, refreshToken),
    );
  }
}
