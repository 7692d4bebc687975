import { Injectable } from '@nestjs/common';
import { Client, GRANT_TYPES, GrantType } from '../clients/client.entity';
import { OAuthError } from '../common/oauth-error';
import { GrantRead } from './client-auth.guard';
import { TokenRequestDto } from './dto/token-request.dto';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TokenRateLimits } from './rate-limit/token-rate-limits.service';
import { TokenResponse } from './token-response';

const isGrantType = (value: string): value is GrantType =>
  (GRANT_TYPES as readonly string[]).includes(value);

// The token endpoint's pipeline after client authentication: which grant, may this client use
// it, then that grant's handler (RFC 6749 §5.2 decides the error codes).
@Injectable()
export class TokensService {
  constructor(
    private readonly authorizationCode: AuthorizationCodeGrant,
    private readonly password: PasswordGrant,
    private readonly refreshToken: RefreshTokenGrant,
    private readonly clientCredentials: ClientCredentialsGrant,
    private readonly rateLimits: TokenRateLimits,
  ) {}

  async exchange(
    client: Client,
    request: TokenRequestDto,
    clientIp: string,
    read: GrantRead = {},
  ): Promise<TokenResponse> {
    const grantType = request.grant_type;
    if (grantType === undefined) {
      throw new OAuthError('invalid_request', 'grant_type is required');
    }
    if (!isGrantType(grantType)) {
      throw new OAuthError('unsupported_grant_type', 'this grant_type is not supported');
    }
    if (!client.grantTypes.includes(grantType)) {
      throw new OAuthError('unauthorized_client', `this client may not use the ${grantType} grant`);
    }
    await this.rateLimits.assertWithinLimit(client, grantType);
    switch (grantType) {
      case 'authorization_code':
        return this.authorizationCode.exchange(client, request, read.code);
      case 'password':
        return this.password.exchange(client, request, clientIp);
      case 'refresh_token':
        return this.refreshToken.exchange(client, request, clientIp, read.refreshToken);
      case 'client_credentials':
        return this.clientCredentials.exchange(client, request, clientIp);
    }
  }
}
