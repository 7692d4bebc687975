import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Client } from '../clients/client.entity';
import { clientActor } from '../common/actor';
import { generateOpaqueSecret, sha256Hex } from '../common/crypto';
import { resolveScope, scopesStillAllowed } from '../common/scope';
import { Env } from '../config/env.validation';
import { User } from '../users/user.entity';
import { AccessGrant } from './access-tokens.service';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokenFamily } from './refresh-token-family.entity';
import { RefreshTokenFamilies } from './refresh-token-families.service';
import {
  FamilyHead,
  isIdleExpired,
  isIssuedAfterInvalidation,
  Succession,
  successionOf,
} from './token-rules';

export type RefreshRotation =
  // `resource`: the API the grant was issued for (null: the built-in API).
  | { outcome: 'rotated'; refreshToken: string; grant: AccessGrant; resource: string | null }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'invalid_scope'; reason: string };

const refused = (reason: string): RefreshRotation => ({ outcome: 'refused', reason });

// Refresh token rotation (RFC 6749 §6, RFC 9700 §4.14): 256 random bits stored as SHA-256, bound
// to their client and grant, rotated on every use. A family is one grant's chain of tokens; its
// head is the one live token, moved by a compare-and-set UPDATE on the family row, so of any
// number of parallel refreshes of one token at most one moves it from each state. What a
// presentation means (rotate, retry, reuse) is decided by successionOf (token-rules.ts); taking a
// grant back is RefreshTokenFamilies'.
@Injectable()
export class RefreshTokensService {
  private readonly ttlMs: number;
  private readonly graceSeconds: number;
  private readonly idleSeconds: number;

  constructor(
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    private readonly families: RefreshTokenFamilies,
    private readonly audit: AuditService,
    config: ConfigService<Env, true>,
  ) {
    this.ttlMs = config.get('REFRESH_TOKEN_TTL', { infer: true }) * 1000;
    this.graceSeconds = config.get('REFRESH_REUSE_GRACE', { infer: true });
    this.idleSeconds = config.get('REFRESH_TOKEN_IDLE_TTL', { infer: true });
  }

  // The first refresh token of a grant. The family lives REFRESH_TOKEN_TTL from now, whatever
  // the rotations.
  async startFamily(manager: EntityManager, grant: AccessGrant): Promise<string> {
    const now = new Date();
    const token = this.newToken({
      clientId: grant.client.clientId,
      userId: grant.userId,
      familyId: grant.familyId,
      scope: grant.scope.join(' '),
      resource: grant.api?.identifier ?? null,
      parentId: null,
      expiresAt: new Date(now.getTime() + this.ttlMs),
      createdAt: now,
    });
    await manager.getRepository(RefreshTokenFamily).insert({
      id: grant.familyId,
      clientId: grant.client.clientId,
      userId: grant.userId,
      headTokenId: token.row.id,
      revokedAt: null,
      createdAt: now,
    });
    await manager.getRepository(RefreshToken).insert(token.row);
    return token.value;
  }

  async rotate(
    manager: EntityManager,
    presented: string,
    client: Client,
    requestedScope: string | undefined,
    clientIp: string,
  ): Promise<RefreshRotation> {
    const now = new Date();
    const token = await this.find(presented, manager);
    // A token of another client is refused without touching its grant.
    if (!token || token.clientId !== client.clientId) {
      return refused('the refresh token is invalid');
    }
    const family = token.family;
    if (!family || family.revokedAt !== null || token.expiresAt <= now) {
      return refused('the refresh token is invalid or expired');
    }
    if (!token.owner || !isIssuedAfterInvalidation(token.owner, token.createdAt)) {
      return refused('the refresh token is invalid or expired');
    }
    // Reuse is judged before anything else the request asks, so no parameter can dodge it.
    const succession = successionOf(
      token,
      family.headTokenId,
      await this.headOf(manager, token, family),
      now,
      this.graceSeconds,
    );
    if (succession.kind === 'reuse') {
      await this.families.revokeFamily(manager, family.id);
      // Committed with the revocation: a replayed token is a sign the grant was stolen.
      await this.audit.record(manager, {
        type: 'refresh_token.reused',
        actor: clientActor(clientIp),
        userId: token.userId,
        clientId: client.clientId,
        details: { family_id: family.id },
      });
      return refused('the refresh token was already used; its grant has been revoked');
    }
    // After the reuse check: a replayed old token still revokes its grant, however long unused.
    if (this.isIdleExpired(token, now)) {
      return refused('the refresh token is invalid or expired');
    }
    // RFC 6749 §6: never wider than the grant, nor than what the client may still request.
    const granted = scopesStillAllowed(token.scope, client.scope);
    const scope = resolveScope(requestedScope, granted, 'what was originally granted');
    if (typeof scope === 'string') {
      return { outcome: 'invalid_scope', reason: scope };
    }
    const grant: AccessGrant = { client, userId: token.userId, scope, familyId: family.id };
    // The successor carries the original grant (RFC 6749 §6: a narrower request narrows only the
    // new access token) and the family's absolute expiry.
    const successor = this.newToken({
      ...token,
      parentId: token.id,
      createdAt: now,
    });
    const { affected } = await manager
      .getRepository(RefreshTokenFamily)
      .update(
        { id: family.id, headTokenId: succession.expectedHead, revokedAt: IsNull() },
        { headTokenId: successor.row.id },
      );
    if (affected !== 1) {
      return refused('the refresh token was used by a concurrent request');
    }
    await this.retire(manager, token, succession, now);
    await manager.getRepository(RefreshToken).insert(successor.row);
    return { outcome: 'rotated', refreshToken: successor.value, grant, resource: token.resource };
  }

  // The stored token with its family and its user, live or not, read in one statement: read
  // apart, a rotation committed in between would make a fresh family and a stale token look like
  // reuse.
  find(token: string, manager?: EntityManager): Promise<RefreshToken | null> {
    const tokens = manager ? manager.getRepository(RefreshToken) : this.tokens;
    return tokens
      .createQueryBuilder('token')
      .leftJoinAndSelect('token.family', 'family')
      .leftJoinAndMapOne('token.owner', User, 'owner', 'owner.id = token.userId')
      .where('token.tokenHash = :hash', { hash: sha256Hex(token) })
      .getOne();
  }

  isIdleExpired(token: RefreshToken, now: Date): boolean {
    return isIdleExpired(token, now, this.idleSeconds);
  }

  // The family's head, read only when it is not the presented token (a retry or a reuse).
  private async headOf(
    manager: EntityManager,
    token: RefreshToken,
    family: RefreshTokenFamily,
  ): Promise<FamilyHead | null> {
    if (family.headTokenId === token.id) {
      return null;
    }
    return manager
      .getRepository(RefreshToken)
      .findOne({ select: { id: true, parentId: true }, where: { id: family.headTokenId } });
  }

  // A rotated token is marked with the time of its first rotation (the grace window starts there);
  // a replaced successor is revoked.
  private async retire(
    manager: EntityManager,
    token: RefreshToken,
    succession: Succession,
    now: Date,
  ): Promise<void> {
    const tokens = manager.getRepository(RefreshToken);
    if (succession.kind === 'rotate') {
      await tokens.update({ id: token.id }, { rotatedAt: now });
    } else if (succession.kind === 'replace') {
      await tokens.update({ id: succession.expectedHead }, { revokedAt: now });
    }
  }

  private newToken(
    fields: Pick<
      RefreshToken,
      | 'clientId'
      | 'userId'
      | 'familyId'
      | 'scope'
      | 'resource'
      | 'parentId'
      | 'expiresAt'
      | 'createdAt'
    >,
  ): { value: string; row: RefreshToken } {
    const value = generateOpaqueSecret(32);
    const row: RefreshToken = {
      id: randomUUID(),
      tokenHash: sha256Hex(value),
      clientId: fields.clientId,
      userId: fields.userId,
      familyId: fields.familyId,
      scope: fields.scope,
      resource: fields.resource,
      parentId: fields.parentId,
      expiresAt: fields.expiresAt,
      createdAt: fields.createdAt,
      rotatedAt: null,
      revokedAt: null,
    };
    return { value, row };
  }
}
