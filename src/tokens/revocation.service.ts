import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthorizationCodesService } from '../authorization/authorization-codes.service';
import { GrantsOf } from '../common/grants';
import { Client } from '../clients/client.entity';
import { inTransaction } from '../database/transactions';
import { AccessTokensService } from './access-tokens.service';
import { RefreshTokenFamilies } from './refresh-token-families.service';
import { RefreshTokensService } from './refresh-tokens.service';

// RFC 7009. Unknown, already revoked and other clients' tokens are all answered alike (200, no
// effect), so the endpoint tells nothing about tokens the caller does not own. The hint is only a
// hint: both kinds are looked up.
@Injectable()
export class RevocationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accessTokens: AccessTokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly families: RefreshTokenFamilies,
    private readonly codes: AuthorizationCodesService,
  ) {}

  async revoke(caller: Client, token: string): Promise<void> {
    const access = await this.accessTokens.find(token);
    if (access) {
      if (access.clientId === caller.clientId) {
        await this.accessTokens.revoke(access);
      }
      return;
    }
    const refresh = await this.refreshTokens.find(token);
    if (refresh?.clientId === caller.clientId) {
      // §2.1: revoking a refresh token also invalidates the access tokens of its grant.
      await inTransaction(this.dataSource, (manager) =>
        this.families.revokeFamily(manager, refresh.familyId),
      );
    }
  }

  // Takes back a client's access (one user's, or every user's): its unused codes are spent first
  // (a redemption in progress finishes before, and its tokens are then revoked with the rest),
  // then every grant.
  async revokeGrants(manager: EntityManager, grants: GrantsOf): Promise<void> {
    await this.codes.withdrawAll(manager, grants);
    await this.families.revokeAllOf(manager, grants);
  }
}
