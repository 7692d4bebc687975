import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EntityManager, IsNull } from 'typeorm';
import { generateOpaqueSecret, sha256Hex, timeOrderedId } from '../common/crypto';
import { GrantsOf } from '../common/grants';
import { requestableScopes, scopeList } from '../common/scope';
import { Env } from '../config/env.validation';
import { Client } from '../clients/client.entity';
import { AuthorizationCode } from './authorization-code.entity';
import { AuthorizationCodeStore, CodeOwner, StoredCode } from './authorization-code.store';
import { SignInContext } from './openid-request';
import { codeVerifierProblem } from './pkce';
import { tokenRedirectUriProblem } from './redirect-uri';

export type CodeGrant = {
  clientId: string;
  userId: string;
  redirectUri: string;
  redirectUriSent: boolean;
  scope: string[];
  codeChallenge: string | null;
  // OpenID requests: what the ID tokens will say of the sign-in.
  signIn?: SignInContext | null;
  resource?: string | null;
};

// Whose grants: every user's of a client, or one user's. Never pass `userId: undefined`: leave it
// out.
export type CodeRedemption =
  | { outcome: 'redeemed'; code: StoredCode }
  // Already used: the caller revokes what the first redemption produced (code.familyId).
  | { outcome: 'reused'; code: StoredCode }
  | { outcome: 'invalid' };

// A code as read with its client (code null: no such code).
export type CodeRead = { codeHash: string; code: StoredCode | null };

// What the token request presents along with the code (RFC 6749 §4.1.3, RFC 7636 §4.5).
export type CodePresentation = {
  client: { clientId: string; redirectUris: string[]; scope: string };
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
};

export type RedeemedGrant = {
  familyId: string;
  userId: string;
  scope: string[];
  resource: string | null;
  issuedAt: Date;
  signIn: SignInContext | null;
  owner: CodeOwner | null;
};

export type CodeExchange =
  | { outcome: 'redeemed'; grant: RedeemedGrant }
  // Used before: everything issued from it (its family) must be revoked.
  | { outcome: 'reused'; familyId: string }
  | { outcome: 'refused'; reason: string };

// Authorization codes (RFC 6749 §4.1.2): 256 random bits, stored as a SHA-256 hash, bound to the
// client, user, redirect URI, scope and PKCE challenge, single use, AUTH_CODE_TTL seconds.
@Injectable()
export class AuthorizationCodesService {
  private readonly ttlMs: number;

  constructor(
    private readonly store: AuthorizationCodeStore,
    config: ConfigService<Env, true>,
  ) {
    this.ttlMs = config.get('AUTH_CODE_TTL', { infer: true }) * 1000;
  }

  async issue(grant: CodeGrant): Promise<string> {
    const code = generateOpaqueSecret(32);
    const now = new Date();
    await this.store.insert({
      id: timeOrderedId(),
      codeHash: sha256Hex(code),
      clientId: grant.clientId,
      userId: grant.userId,
      redirectUri: grant.redirectUri,
      redirectUriSent: grant.redirectUriSent,
      scope: grant.scope.join(' '),
      codeChallenge: grant.codeChallenge,
      codeChallengeMethod: grant.codeChallenge ? 'S256' : null,
      authentication: grant.signIn ? JSON.stringify(grant.signIn) : null,
      resource: grant.resource ?? null,
      familyId: timeOrderedId(),
      expiresAt: new Date(now.getTime() + this.ttlMs),
      consumedAt: null,
      createdAt: now,
    });
    return code;
  }

  // Spends every unused code of a client (of one user, or of all): a code issued just before its
  // access was revoked is then refused, and presenting it revokes anything issued from it.
  async withdrawAll(manager: EntityManager, grants: GrantsOf): Promise<void> {
    await manager
      .getRepository(AuthorizationCode)
      .update({ ...grants, consumedAt: IsNull() }, { consumedAt: new Date() });
  }

  // The client by id, with the presented code (read in one statement for the token endpoint).
  findWithClient(clientId: string, code: string): Promise<CodeRead & { client: Client | null }> {
    const codeHash = sha256Hex(code);
    return this.store.findWithClient(clientId, codeHash).then((read) => ({ ...read, codeHash }));
  }

  // Consumes the code and checks what it is bound to. The code is spent even when a check fails
  // (a failed PKCE check must not leave it open to more guesses), so the caller commits either way.
  async redeem(
    code: string,
    presented: CodePresentation,
    manager: EntityManager,
    read?: CodeRead,
  ): Promise<CodeExchange> {
    const redemption = await this.consume(code, manager, read);
    if (redemption.outcome === 'invalid') {
      return { outcome: 'refused', reason: 'the authorization code is invalid or expired' };
    }
    if (redemption.outcome === 'reused') {
      return { outcome: 'reused', familyId: redemption.code.familyId };
    }
    const row = redemption.code;
    const reason = bindingProblem(row, presented);
    if (reason) {
      return { outcome: 'refused', reason };
    }
    return {
      outcome: 'redeemed',
      grant: {
        familyId: row.familyId,
        userId: row.userId,
        scope: row.scope.split(' '),
        resource: row.resource,
        issuedAt: row.createdAt,
        signIn: row.authentication ? (JSON.parse(row.authentication) as SignInContext) : null,
        owner: row.owner,
      },
    };
  }

  // One conditional UPDATE decides: of any number of concurrent redemptions exactly one sees an
  // affected row. Pass a transaction's manager so token inserts commit with it. `read`: the code
  // as read before (with its client): what it is bound to never changes, so a redeemed code needs
  // no second read; a refused one is read again to tell reuse from expiry.
  async consume(code: string, manager?: EntityManager, read?: CodeRead): Promise<CodeRedemption> {
    const codeHash = sha256Hex(code);
    const consumed = await this.store.consume(manager ?? null, codeHash, new Date());
    const row =
      consumed && read?.codeHash === codeHash && read.code
        ? read.code
        : await this.store.findByHash(manager ?? null, codeHash);
    if (consumed && row) {
      return { outcome: 'redeemed', code: row };
    }
    return row?.consumedAt ? { outcome: 'reused', code: row } : { outcome: 'invalid' };
  }
}

// RFC 6749 §4.1.3: the same client and redirect URI; RFC 7636 §4.6: the PKCE verifier. And the
// client as it is now must still have the code's redirect URI and scope (SECURITY.md).
function bindingProblem(code: AuthorizationCode, presented: CodePresentation): string | undefined {
  if (code.clientId !== presented.client.clientId) {
    return 'the authorization code was issued to another client';
  }
  return (
    registrationProblem(code, presented.client) ??
    tokenRedirectUriProblem(code, presented.redirectUri) ??
    codeVerifierProblem(code.codeChallenge, presented.codeVerifier)
  );
}

function registrationProblem(
  code: AuthorizationCode,
  client: CodePresentation['client'],
): string | undefined {
  if (!client.redirectUris.includes(code.redirectUri)) {
    return 'the redirect URI of the authorization code is no longer registered';
  }
  const allowed = requestableScopes(client.scope);
  const withdrawn = scopeList(code.scope).filter((scope) => !allowed.includes(scope));
  return withdrawn.length > 0
    ? `the client may no longer request: ${withdrawn.join(' ')}`
    : undefined;
}
