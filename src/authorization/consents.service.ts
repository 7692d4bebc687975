import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { Consent } from './consent.entity';

// Remembered consent: per user and client, the set of scopes approved so far. A request is covered
// when every scope it asks for was approved; a new scope asks again.
@Injectable()
export class ConsentsService {
  constructor(@InjectRepository(Consent) private readonly consents: Repository<Consent>) {}

  async covers(userId: string, clientId: string, scopes: string[]): Promise<boolean> {
    const consent = await this.consents.findOneBy({ userId, clientId });
    const granted = new Set(consent?.scope.split(' ') ?? []);
    return consent !== null && scopes.every((scope) => granted.has(scope));
  }

  async remember(userId: string, clientId: string, scopes: string[]): Promise<void> {
    const existing = await this.consents.findOneBy({ userId, clientId });
    const scope = [...new Set([...(existing?.scope.split(' ') ?? []), ...scopes])].join(' ');
    const now = new Date();
    await this.consents.upsert(
      {
        id: existing?.id ?? randomUUID(),
        userId,
        clientId,
        scope,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      },
      { conflictPaths: ['userId', 'clientId'] },
    );
  }
}
