import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { isIssuedAfterInvalidation } from './token-rules';

// Whether whoever a code or token was issued to may still use it, for every kind of token alike.
@Injectable()
export class TokenOwners {
  constructor(private readonly users: UsersService) {}

  // The user, if it still exists and has not been disabled since `issuedAt`. Inside a transaction,
  // pass its manager: waiting for a second pooled connection while holding one could exhaust the
  // pool.
  async liveUser(userId: string, issuedAt: Date, manager?: EntityManager): Promise<User | null> {
    const user = manager
      ? await manager.findOneBy(User, { id: userId })
      : await this.users.findById(userId);
    return user && isIssuedAfterInvalidation(user, issuedAt) ? user : null;
  }
}
