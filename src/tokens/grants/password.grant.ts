import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Client } from '../../clients/client.entity';
import { timeOrderedId } from '../../common/crypto';
import { OAuthError } from '../../common/oauth-error';
import { requiredParam } from '../../common/oauth-params';
import { resolveRequestedScope } from '../../common/scope';
import { inTransaction } from '../../database/transactions';
import { CredentialsService } from '../../users/credentials.service';
import { TokenRequestDto } from '../dto/token-request.dto';
import { TokenIssuer } from '../token-issuer.service';
import { scopeForApi } from '../../apis/api-scopes';
import { ResourceTargets } from '../resource-targets.service';
import { TokenResponse } from '../token-response';

// RFC 6749 §4.3, for trusted confidential clients that list the grant. The password is checked by
// the same service as the login page: argon2id, a dummy hash for unknown users, and the same
// per-account and per-address attempt counters.
//
// Statements (test/statement-counts.e2e-spec.ts), 12, the minimum for what each one guarantees:
// the client, and its rate-limit window; the attempt counted for the address, then the account
// (one upsert each: an attempt is judged by the count its own statement gave it, and MySQL's OK
// packet carries one count per statement); the user, and the user again once the hash is checked
// (it takes a while: a change meanwhile must win, so the row is read as it is then); both counters
// cleared in one UPDATE; the tokens in one transaction (three tables: BEGIN, three inserts,
// COMMIT). The argon2id verification costs about fifty times all of these together.
@Injectable()
export class PasswordGrant {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly credentials: CredentialsService,
    private readonly issuer: TokenIssuer,
    private readonly targets: ResourceTargets,
  ) {}

  async exchange(
    client: Client,
    request: TokenRequestDto,
    clientIp: string,
  ): Promise<TokenResponse> {
    if (client.isPublic) {
      throw new OAuthError('unauthorized_client', 'public clients may not use the password grant');
    }
    const username = requiredParam(request.username, 'username');
    const password = requiredParam(request.password, 'password');
    const api = (await this.targets.requested(request)) ?? null;
    const requested = resolveRequestedScope(request.scope, client.scope);
    const scope = typeof requested === 'string' ? requested : scopeForApi(requested, api);
    if (typeof scope === 'string') {
      throw new OAuthError('invalid_scope', scope);
    }
    const check = await this.credentials.check(username, password, clientIp);
    if (check.outcome === 'throttled') {
      throw new OAuthError('invalid_grant', 'too many failed attempts; try again later', 429, {
        retryAfterSeconds: check.retryAfterSeconds,
      });
    }
    if (check.outcome === 'invalid') {
      throw new OAuthError('invalid_grant', 'invalid username or password');
    }
    const grant = { client, userId: check.user.id, scope, familyId: timeOrderedId(), api };
    return inTransaction(this.dataSource, (manager) =>
      this.issuer.issue(manager, grant, { grantType: 'password', signIn: null }),
    );
  }
}
