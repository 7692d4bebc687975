import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ClientsService } from '../clients/clients.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { isIssuedAfterInvalidation } from './token-rules';

type IssuedToken = { clientId: string; userId: string; createdAt: Date };

// Whether whoever a code or token was issued to may still use it, for every kind of token alike.
@Injectable()
export class TokenOwners {
  constructor(
    private readonly clients: ClientsService,
    private readonly users: UsersService,
  ) {}

  // The user, if it still exists and has not been disabled since `issuedAt`. Inside a transaction,
  // pass its manager: waiting for a second pooled connection while holding one could exhaust the
  // pool.
  async liveUser(userId: string, issuedAt: Date, manager?: EntityManager): Promise<User | null> {
    const user = manager
      ? await manager.findOneBy(User, { id: userId })
      : await this.users.findById(userId);
    return user && isIssuedAfterInvalidation(user, issuedAt) ? user : null;
  }

  // The token's user, if that user is live and the token's client still exists and is usable
  // (enabled and approved).
  async liveOwners(token: IssuedToken): Promise<User | null> {
    const [client, user] = await Promise.all([
      this.clients.findUsable(token.clientId),
      this.liveUser(token.userId, token.createdAt),
    ]);
    return client ? user : null;
  }
}
