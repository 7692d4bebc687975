import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import { isUniqueViolation } from '../common/database-errors';
import { PaginationQueryDto } from '../common/pagination.dto';
import { Env } from '../config/env.validation';
import { Api } from './api.entity';
import { CreateApiDto, UpdateApiDto } from './dto/api.dto';

// APIs (resource servers): registration by operators, and the lookup of a requested resource.
@Injectable()
export class ApisService {
  private readonly defaultTtl: number;

  constructor(
    @InjectRepository(Api) private readonly apis: Repository<Api>,
    config: ConfigService<Env, true>,
  ) {
    this.defaultTtl = config.get('ACCESS_TOKEN_TTL', { infer: true });
  }

  async create(input: CreateApiDto): Promise<Api> {
    const now = new Date();
    const api = this.apis.create({
      id: randomUUID(),
      identifier: input.identifier,
      name: input.name,
      scopes: input.scopes ?? [],
      accessTokenFormat: input.access_token_format ?? 'jwt',
      accessTokenTtl: input.access_token_ttl ?? this.defaultTtl,
      createdAt: now,
      updatedAt: now,
    });
    // The unique index decides, so two concurrent registrations cannot both win.
    try {
      await this.apis.insert(api);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException('an API with this identifier is already registered');
      }
      throw error;
    }
    return api;
  }

  list(query: PaginationQueryDto): Promise<Api[]> {
    return this.apis.find({
      order: { createdAt: 'ASC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
  }

  async get(id: string): Promise<Api> {
    const api = await this.apis.findOneBy({ id });
    if (!api) {
      throw new NotFoundException('API not found');
    }
    return api;
  }

  async update(id: string, changes: UpdateApiDto): Promise<Api> {
    const api = await this.get(id);
    this.apis.merge(api, {
      name: changes.name,
      scopes: changes.scopes,
      accessTokenFormat: changes.access_token_format,
      accessTokenTtl: changes.access_token_ttl,
      updatedAt: new Date(),
    });
    return this.apis.save(api);
  }

  async remove(id: string): Promise<void> {
    const { affected } = await this.apis.delete({ id });
    if (!affected) {
      throw new NotFoundException('API not found');
    }
  }

  // The API a `resource` names, byte for byte (MySQL's PAD SPACE would ignore trailing spaces).
  // Inside a transaction, pass its manager.
  async findByIdentifier(identifier: string, manager?: EntityManager): Promise<Api | null> {
    const api = await (manager?.getRepository(Api) ?? this.apis).findOneBy({ identifier });
    return api?.identifier === identifier ? api : null;
  }
}
