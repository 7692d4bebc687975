import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AuthorizationCodesService,
  CodeRead,
} from '../../authorization/authorization-codes.service';
import { Client } from '../../clients/client.entity';
import { OAuthError, throwIfOAuthError } from '../../common/oauth-error';
import { requiredParam } from '../../common/oauth-params';
import { inTransaction } from '../../database/transactions';
import { TokenRequestDto } from '../dto/token-request.dto';
import { RefreshTokenFamilies } from '../refresh-token-families.service';
import { TokenIssuer } from '../token-issuer.service';
import { TokenResponse } from '../token-response';
import { isIssuedAfterInvalidation } from '../token-rules';
import { ResourceTargets } from '../resource-targets.service';

// RFC 6749 §4.1.3-4.1.4 with PKCE (RFC 7636 §4.5-4.6). Redeeming the code and inserting the tokens
// commit together or not at all. A refused code stays spent (that commit happens too), and a code
// presented a second time revokes everything issued from it (§4.1.2).
//
// Statements of an exchange (the minimum; test/statement-counts.e2e-spec.ts holds it): one read of
// the client with the code and its user (in client authentication); then, in one transaction, the
// conditional UPDATE that spends the code (single use is decided there, so it cannot be folded
// into the read) and the inserts of the access token, the refresh token family and its first
// token (three tables). Only a refused code is read again.
@Injectable()
export class AuthorizationCodeGrant {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly codes: AuthorizationCodesService,
    private readonly families: RefreshTokenFamilies,
    private readonly issuer: TokenIssuer,
    private readonly targets: ResourceTargets,
  ) {}

  async exchange(
    client: Client,
    request: TokenRequestDto,
    read?: CodeRead,
  ): Promise<TokenResponse> {
    const code = requiredParam(request.code, 'code');
    const requestedApi = await this.targets.requested(request);
    const outcome = await inTransaction(this.dataSource, async (manager) => {
      const exchange = await this.codes.redeem(
        code,
        { client, redirectUri: request.redirect_uri, codeVerifier: request.code_verifier },
        manager,
        read,
      );
      if (exchange.outcome === 'reused') {
        await this.families.revokeFamily(manager, exchange.familyId);
        return new OAuthError('invalid_grant', 'the authorization code was already used');
      }
      if (exchange.outcome === 'refused') {
        return new OAuthError('invalid_grant', exchange.reason);
      }
      const { userId, scope, familyId, issuedAt, signIn, resource, owner } = exchange.grant;
      // RFC 8707 §2.2: the token request may name only the API of the authorization request.
      if (requestedApi !== undefined && (requestedApi?.identifier ?? null) !== resource) {
        return new OAuthError('invalid_target', 'resource is not the API of this authorization');
      }
      // A user disabled since the code was issued (even if enabled again) gets no tokens.
      if (!owner || !isIssuedAfterInvalidation(owner, issuedAt)) {
        return new OAuthError('invalid_grant', 'the authorization code is invalid or expired');
      }
      const api = await this.targets.ofGrant(manager, resource);
      return this.issuer.issue(
        manager,
        { client, userId, scope, familyId, api },
        { grantType: 'authorization_code', signIn },
      );
    });
    return throwIfOAuthError(outcome);
  }
}
