import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Client } from '../clients/client.entity';
import { clientActor } from '../common/actor';
import { generateOpaqueSecret, sha256Hex, timeOrderedId } from '../common/crypto';
import { resolveScope, scopesStillAllowed } from '../common/scope';
import { Env } from '../config/env.validation';
import { AccessGrant } from './access-tokens.service';
import { RefreshTokenFamilies } from './refresh-token-families.service';
import {
  RefreshTokenRead,
  RefreshTokenStore,
  StoredRefreshToken,
  TokenRow,
} from './refresh-token.store';
import {
  FamilyState,
  isIdleExpired,
  isIssuedAfterInvalidation,
  lastUsedAt,
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
    private readonly store: RefreshTokenStore,
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
    await this.store.insertFamily(manager, {
      id: grant.familyId,
      clientId: grant.client.clientId,
      userId: grant.userId,
      headTokenId: token.row.id,
      createdAt: now,
    });
    await this.store.insert(manager, token.row);
    return token.value;
  }

  async rotate(
    manager: EntityManager,
    presented: string,
    client: Client,
    requestedScope: string | undefined,
    clientIp: string,
    read?: RefreshTokenRead,
  ): Promise<RefreshRotation> {
    const now = new Date();
    // Read with the client already (ClientAuthGuard), or now. Either read may be older than this
    // transaction: the compare-and-set below decides, against the family as it is.
    const tokenHash = sha256Hex(presented);
    const token =
      read?.tokenHash === tokenHash ? read.token : await this.store.findByHash(manager, tokenHash);
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
    const succession = successionOf(token, family, now, this.graceSeconds);
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
    if (this.isIdleExpired(token, family, now)) {
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
    const moved =
      succession.kind === 'rotate'
        ? await this.store.rotate(manager, family.id, token.id, successor.row.id, now)
        : await this.store.replaceHead(
            manager,
            family.id,
            succession.expectedHead,
            successor.row.id,
          );
    if (!moved) {
      return refused('the refresh token was used by a concurrent request');
    }
    if (succession.kind === 'replace') {
      // The successor the lost response carried is never used: it is revoked.
      await this.store.revoke(manager, succession.expectedHead, now);
    }
    await this.store.insert(manager, successor.row);
    return { outcome: 'rotated', refreshToken: successor.value, grant, resource: token.resource };
  }

  // The stored token with its family and its owner, live or not.
  find(token: string, manager?: EntityManager): Promise<StoredRefreshToken | null> {
    return this.store.findByHash(manager ?? null, sha256Hex(token));
  }

  isIdleExpired(token: TokenRow, family: FamilyState, now: Date): boolean {
    return isIdleExpired(lastUsedAt(token, family), now, this.idleSeconds);
  }

  private newToken(
    fields: Pick<
      TokenRow,
      | 'clientId'
      | 'userId'
      | 'familyId'
      | 'scope'
      | 'resource'
      | 'parentId'
      | 'expiresAt'
      | 'createdAt'
    >,
  ): { value: string; row: TokenRow } {
    const value = generateOpaqueSecret(32);
    const row: TokenRow = {
      id: timeOrderedId(),
      tokenHash: sha256Hex(value),
      clientId: fields.clientId,
      userId: fields.userId,
      familyId: fields.familyId,
      scope: fields.scope,
      resource: fields.resource,
      parentId: fields.parentId,
      expiresAt: fields.expiresAt,
      createdAt: fields.createdAt,
      revokedAt: null,
    };
    return { value, row };
  }
}
