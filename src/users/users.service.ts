import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import { PaginationQueryDto } from '../common/pagination.dto';
import { ValidationFailedException } from '../common/validation';
import { isUniqueViolation } from '../common/database-errors';
import { PreparedFind } from '../database/prepared-select';
import { SINGLE_STATEMENT } from '../database/transactions';
import {
  CreateUserDto,
  mergeStandardClaims,
  STANDARD_CLAIM_FIELDS,
  UpdateUserDto,
} from './dto/user.dto';
import { hashPassword, passwordProblems } from './password';
import { User } from './user.entity';
import { normalizeUsername } from './username';

@Injectable()
export class UsersService {
  private readonly logger = new Logger('Users');
  private readonly disabledListeners: ((userId: string) => Promise<void>)[] = [];

  private readonly byId: PreparedFind<User, 'id'>;
  private readonly enabledById: PreparedFind<User, 'id' | 'enabled'>;
  private readonly byUsername: PreparedFind<User, 'username'>;

  constructor(@InjectRepository(User) private readonly users: Repository<User>) {
    this.byId = new PreparedFind(users.manager.connection, User, ['id']);
    this.enabledById = new PreparedFind(users.manager.connection, User, ['id', 'enabled']);
    this.byUsername = new PreparedFind(users.manager.connection, User, ['username']);
  }

  // Told after an account is disabled (OpenID Connect tells the clients it was signed into). A
  // listener's failure is logged, never the operator's.
  onUserDisabled(listener: (userId: string) => Promise<void>): void {
    this.disabledListeners.push(listener);
  }

  async create(input: CreateUserDto): Promise<User> {
    this.assertPasswordAcceptable(input.password, input.username);
    const now = new Date();
    const user = this.users.create({
      id: randomUUID(),
      username: input.username,
      email: input.email ?? null,
      name: input.name ?? null,
      passwordHash: await hashPassword(input.password),
      standardClaims: mergeStandardClaims(null, input),
      role: input.role ?? 'user',
      enabled: input.enabled ?? true,
      tokensInvalidBefore: null,
      createdAt: now,
      updatedAt: now,
    });
    return this.saveUnique(user);
  }

  list(page: PaginationQueryDto): Promise<User[]> {
    return this.users.find({
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) {
      throw new NotFoundException('user not found');
    }
    return user;
  }

  // Inside a transaction, pass its manager (a second pooled connection could exhaust the pool).
  findById(id: string, manager?: EntityManager): Promise<User | null> {
    return this.byId.one({ id }, manager);
  }

  findEnabledById(id: string): Promise<User | null> {
    return this.enabledById.one({ id, enabled: true });
  }

  // Exact match in code too: MySQL's binary collation ignores trailing spaces (PAD SPACE).
  async findByUsername(username: string): Promise<User | null> {
    const normalized = normalizeUsername(username);
    const user = await this.byUsername.one({ username: normalized });
    return user?.username === normalized ? user : null;
  }

  async update(id: string, changes: UpdateUserDto): Promise<User> {
    const user = await this.get(id);
    const { password, ...fields } = changes;
    const profile = Object.fromEntries(
      Object.entries(fields).filter(
        ([name]) => !(STANDARD_CLAIM_FIELDS as readonly string[]).includes(name),
      ),
    );
    const wasEnabled = user.enabled;
    if (password !== undefined) {
      this.assertPasswordAcceptable(password, user.username);
      user.passwordHash = await hashPassword(password);
    }
    Object.assign(user, profile, {
      standardClaims: mergeStandardClaims(user.standardClaims, changes),
      updatedAt: new Date(),
    });
    // ASVS V7.4: disabling the account or setting a new password ends every session and token
    // issued before this instant (sessions and tokens compare their start with it).
    if ((wasEnabled && !user.enabled) || password !== undefined) {
      user.tokensInvalidBefore = user.updatedAt;
    }
    const saved = await this.saveUnique(user);
    if (wasEnabled && !saved.enabled) {
      for (const listener of this.disabledListeners) {
        await listener(saved.id).catch((error: unknown) =>
          this.logger.error(
            error instanceof Error ? (error.stack ?? error.message) : String(error),
          ),
        );
      }
    }
    return saved;
  }

  async remove(id: string): Promise<void> {
    const { affected } = await this.users.delete({ id });
    if (!affected) {
      throw new NotFoundException('user not found');
    }
  }

  private assertPasswordAcceptable(password: string, username: string): void {
    const problems = passwordProblems(password, username);
    if (problems.length > 0) {
      throw new ValidationFailedException({ password: problems });
    }
  }

  // The unique index decides, so two concurrent creates of one username cannot both succeed.
  private async saveUnique(user: User): Promise<User> {
    try {
      return await this.users.save(user, SINGLE_STATEMENT);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException('username is already taken');
      }
      throw error;
    }
  }
}
