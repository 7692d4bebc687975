import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { generateOpaqueSecret, sha256Hex } from '../common/crypto';
import { Env } from '../config/env.validation';
import { AuthorizationCode } from './authorization-code.entity';

export type CodeGrant = {
  clientId: string;
  userId: string;
  redirectUri: string;
  scope: string[];
  codeChallenge: string | null;
};

export type CodeRedemption =
  | { outcome: 'redeemed'; code: AuthorizationCode }
  // Already used: the caller revokes what the first redemption produced (code.familyId).
  | { outcome: 'reused'; code: AuthorizationCode }
  | { outcome: 'invalid' };

// Authorization codes (RFC 6749 §4.1.2): 256 random bits, stored as a SHA-256 hash, bound to the
// client, user, redirect URI, scope and PKCE challenge, single use, AUTH_CODE_TTL seconds.
@Injectable()
export class AuthorizationCodesService {
  private readonly ttlMs: number;

  constructor(
    @InjectRepository(AuthorizationCode) private readonly codes: Repository<AuthorizationCode>,
    config: ConfigService<Env, true>,
  ) {
    this.ttlMs = config.get('AUTH_CODE_TTL', { infer: true }) * 1000;
  }

  async issue(grant: CodeGrant): Promise<string> {
    const code = generateOpaqueSecret(32);
    const now = new Date();
    await this.codes.insert({
      id: randomUUID(),
      codeHash: sha256Hex(code),
      clientId: grant.clientId,
      userId: grant.userId,
      redirectUri: grant.redirectUri,
      scope: grant.scope.join(' '),
      codeChallenge: grant.codeChallenge,
      codeChallengeMethod: grant.codeChallenge ? 'S256' : null,
      familyId: randomUUID(),
      expiresAt: new Date(now.getTime() + this.ttlMs),
      consumedAt: null,
      createdAt: now,
    });
    return code;
  }

  // One conditional UPDATE decides: of any number of concurrent redemptions exactly one sees an
  // affected row. Pass the repository of a transaction so token inserts commit with it.
  async consume(
    code: string,
    codes: Repository<AuthorizationCode> = this.codes,
  ): Promise<CodeRedemption> {
    const codeHash = sha256Hex(code);
    const now = new Date();
    const { affected } = await codes.update(
      { codeHash, consumedAt: IsNull(), expiresAt: MoreThan(now) },
      { consumedAt: now },
    );
    const row = await codes.findOneBy({ codeHash });
    if (affected === 1 && row) {
      return { outcome: 'redeemed', code: row };
    }
    return row?.consumedAt ? { outcome: 'reused', code: row } : { outcome: 'invalid' };
  }
}
