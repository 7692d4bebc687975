import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ClientsService } from '../clients/clients.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { isIssuedAfterInvalidation } from './token-rules';

// A token read together with its user (absent when the user no longer exists).
type IssuedToken = { clientId: string; createdAt: Date; owner?: User };

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
    const user = token.owner;
    if (!user || !isIssuedAfterInvalidation(user, token.createdAt)) {
      return null;
    }
    return (await this.clients.findUsable(token.clientId)) ? user : null;
  }
}
