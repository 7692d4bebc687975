import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { AccessToken } from './access-token.entity';
import { RefreshToken } from './refresh-token.entity';

// What a client holds of one user: the scopes of its live tokens, and since when.
export type HeldGrant = { clientId: string; scope: string[]; since: Date };

// The clients that hold a user's live tokens, whatever grant issued them (a code after consent,
// or the password grant, which has no consent): what "Revoke access" on connected apps takes back.
@Injectable()
export class HeldGrantsService {
  constructor(
    @InjectRepository(AccessToken) private readonly accessTokens: Repository<AccessToken>,
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
  ) {}

  async heldBy(userId: string): Promise<HeldGrant[]> {
    const now = new Date();
    const live = { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) };
    const select = { clientId: true, scope: true, createdAt: true } as const;
    const tokens = [
      ...(await this.accessTokens.find({ select, where: live })),
      ...(await this.refreshTokens.find({ select, where: { ...live, rotatedAt: IsNull() } })),
    ];
    const byClient = new Map<string, HeldGrant>();
    for (const { clientId, scope, createdAt } of tokens) {
      const held = byClient.get(clientId) ?? { clientId, scope: [], since: createdAt };
      held.scope = [...new Set([...held.scope, ...scope.split(' ').filter(Boolean)])];
      held.since = createdAt < held.since ? createdAt : held.since;
      byClient.set(clientId, held);
    }
    return [...byClient.values()];
  }
}
