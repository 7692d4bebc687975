import { Injectable } from '@nestjs/common';
import { OAuthError } from '../common/oauth-error';
import { OPENID_SCOPE } from '../common/scope';
import { AccessTokensService } from '../tokens/access-tokens.service';
import { UsersService } from '../users/users.service';
import { OidcGrantsService } from './oidc-grants.service';
import { Claims, claimNames, userClaims } from './standard-claims';

// Core §5.3.2: sub, the claims of the token's scopes (§5.4), and those its grant's claims request
// named for userinfo (§5.5).
@Injectable()
export class UserinfoService {
  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly grants: OidcGrantsService,
    private readonly users: UsersService,
  ) {}

  async claimsFor(token: string): Promise<Claims> {
    const live = await this.accessTokens.inspect(token);
    // A user's token for this server's own API: a client's own token (client_credentials) has no
    // user to describe, and one for another API (RFC 8707) is not for this endpoint.
    if (!live?.principal || live.row.resource !== null) {
      throw new OAuthError('invalid_token', 'the access token is invalid or expired', 401);
    }
    const { principal, row } = live;
    if (!principal.scopes.includes(OPENID_SCOPE)) {
      throw new OAuthError('insufficient_scope', 'userinfo needs scope openid', 403, {
        scope: OPENID_SCOPE,
      });
    }
    const [grant, user] = await Promise.all([
      this.grants.find(row.familyId),
      this.users.findById(principal.user.id),
    ]);
    if (!user) {
      throw new OAuthError('invalid_token', 'the access token is invalid or expired', 401);
    }
    return {
      sub: user.id,
      ...userClaims(user, claimNames(principal.scopes, grant?.claims?.userinfo)),
    };
  }
}
