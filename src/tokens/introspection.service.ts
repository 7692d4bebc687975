import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Client } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { scopesStillAllowed } from '../common/scope';
import { OAuthError } from '../common/oauth-error';
import { Env } from '../config/env.validation';
import { AccessTokensService } from './access-tokens.service';
import { StoredRefreshToken } from './refresh-token.store';
import { RefreshTokensService } from './refresh-tokens.service';
import { isIssuedAfterInvalidation } from './token-rules';

export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      sub: string;
      username?: string;
      // RFC 7662 §2.2: the registered API (RFC 8707) a token is for.
      aud?: string;
      token_type: 'Bearer' | 'refresh_token';
      exp: number;
      iat: number;
      iss: string;
    };

type ActiveToken = Extract<IntrospectionResponse, { active: true }>;

const INACTIVE = { active: false } as const;
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

// RFC 7662. A client sees its own tokens; one with introspection_allowed (a resource server) sees
// every token. Inactive, unknown and invisible tokens all answer exactly {"active":false}.
@Injectable()
export class IntrospectionService {
  private readonly issuer: string;

  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly clients: ClientsService,
    config: ConfigService<Env, true>,
  ) {
    this.issuer = config.get('ISSUER', { infer: true });
  }

  // An access token costs two statements (the minimum; test/statement-counts.e2e-spec.ts): the
  // caller's client (client authentication), and the token with its user and its client's state.
  async introspect(caller: Client, token: string): Promise<IntrospectionResponse> {
    if (caller.isPublic) {
      // §2.1: the endpoint requires authentication, which a public client cannot give.
      throw new OAuthError('invalid_client', 'public clients cannot introspect tokens', 401);
    }
    const visible = (clientId: string) =>
      clientId === caller.clientId || caller.introspectionAllowed;
    const access = await this.accessTokens.inspect(token);
    if (access) {
      const { row, principal } = access;
      if (!visible(row.clientId)) {
        return INACTIVE;
      }
      // RFC 9068 §2.2: a client's own token (client_credentials) has the client as its subject.
      const answer = this.active(
        row,
        scopesStillAllowed(row.scope, row.clientScope),
        principal?.user.id ?? row.clientId,
        principal?.user.username,
        'Bearer',
      );
      return row.resource === null ? answer : { ...answer, aud: row.resource };
    }
    const refresh = await this.liveRefreshToken(token);
    const client =
      refresh &&
      visible(refresh.row.clientId) &&
      (await this.clients.findUsable(refresh.row.clientId));
    if (refresh && client) {
      const scopes = scopesStillAllowed(refresh.row.scope, client.scope);
      return this.active(
        refresh.row,
        scopes,
        refresh.user.id,
        refresh.user.username,
        'refresh_token',
      );
    }
    return INACTIVE;
  }

  // A live refresh token: its family's head, nothing revoked or expired, its user valid; with its
  // user. (Whether its client is still usable is the caller's check.)
  private async liveRefreshToken(
    token: string,
  ): Promise<{ row: StoredRefreshToken; user: { id: string; username: string } } | null> {
    const row = await this.refreshTokens.find(token);
    const family = row?.family;
    if (
      !row ||
      !family ||
      family.revokedAt !== null ||
      family.headTokenId !== row.id ||
      row.revokedAt !== null ||
      row.expiresAt <= new Date() ||
      this.refreshTokens.isIdleExpired(row, family, new Date())
    ) {
      return null;
    }
    const user = row.owner;
    return user && isIssuedAfterInvalidation(user, row.createdAt) ? { row, user } : null;
  }

  // `scopes`: the token's, less any its client no longer has.
  private active(
    row: { clientId: string; expiresAt: Date; createdAt: Date },
    scopes: string[],
    sub: string,
    username: string | undefined,
    tokenType: 'Bearer' | 'refresh_token',
  ): ActiveToken {
    return {
      active: true,
      scope: scopes.join(' '),
      client_id: row.clientId,
      sub,
      ...(username === undefined ? {} : { username }),
      token_type: tokenType,
      exp: seconds(row.expiresAt),
      iat: seconds(row.createdAt),
      iss: this.issuer,
    };
  }
}
