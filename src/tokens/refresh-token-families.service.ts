import { Injectable } from '@nestjs/common';
import { EntityManager, FindOptionsWhere, IsNull } from 'typeorm';
import { GrantsOf } from '../common/grants';
import { AccessTokensService, IssuedIn } from './access-tokens.service';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokenFamily } from './refresh-token-family.entity';

// Taking grants back: a family (one grant's chain of refresh tokens) or every grant of a client
// (to one user, or to all), with every refresh and access token they issued.
@Injectable()
export class RefreshTokenFamilies {
  constructor(private readonly accessTokens: AccessTokensService) {}

  // Revokes everything issued in one grant: the family, its refresh tokens and its access tokens.
  async revokeFamily(manager: EntityManager, familyId: string): Promise<void> {
    await this.revokeIssued(manager, { id: familyId }, { familyId });
  }

  // Revokes a client's grants (of one user, or of all), and all they issued.
  async revokeAllOf(manager: EntityManager, grants: GrantsOf): Promise<void> {
    await this.revokeIssued(manager, grants, grants);
  }

  // The family rows are written first, so on MySQL this waits for a rotation in progress and then
  // also revokes the successor it inserted.
  private async revokeIssued(
    manager: EntityManager,
    families: FindOptionsWhere<RefreshTokenFamily>,
    issued: IssuedIn,
  ): Promise<void> {
    const now = new Date();
    await manager
      .getRepository(RefreshTokenFamily)
      .update({ ...families, revokedAt: IsNull() }, { revokedAt: now });
    await manager
      .getRepository(RefreshToken)
      .update({ ...issued, revokedAt: IsNull() }, { revokedAt: now });
    await this.accessTokens.revokeIssued(manager, issued, now);
  }
}
