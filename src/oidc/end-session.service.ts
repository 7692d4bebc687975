import { Injectable } from '@nestjs/common';
import { Client } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { generateOpaqueSecret } from '../common/crypto';
import { RawParams, readParam } from '../common/oauth-params';
import { appendQuery } from '../common/redirect-query';
import { PageError } from '../pages/page-error';
import { BrowserSession, SessionService } from '../pages/session.service';
import { IdTokensService } from './id-tokens.service';

// A logout waiting in the session for the user's confirmation; what it returns to is read from
// here, never from the confirmation form.
export type PendingLogout = {
  id: string;
  clientName: string | null;
  returnTo: string | null;
  createdAt: number;
};

declare module '../pages/session.service' {
  // Declaration merging needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface SessionFeatures {
    pendingLogout?: PendingLogout;
  }
}

const PENDING_LOGOUT_TTL_MS = 10 * 60 * 1000;

// Where the browser goes: back to the client, to the signed-out page, or to the confirmation.
export type LogoutOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'signed-out' }
  | { kind: 'confirm'; pending: PendingLogout; username: string };

const refused = (message: string) =>
  new PageError(400, 'Sign-out refused', message, 'invalid_request');

// OpenID Connect RP-Initiated Logout 1.0: the end_session_endpoint. A verified id_token_hint naming
// the signed-in user signs out at once; anything less asks the user (a third party cannot sign
// users out). post_logout_redirect_uri must be registered by the client, exactly; state goes back
// with it.
@Injectable()
export class EndSessionService {
  constructor(
    private readonly clients: ClientsService,
    private readonly sessions: SessionService,
    private readonly idTokens: IdTokensService,
  ) {}

  async request(params: RawParams, session: BrowserSession): Promise<LogoutOutcome> {
    const read = (name: string) => {
      try {
        return readParam(params, name);
      } catch {
        throw refused(`${name} must be given once, as a single value.`);
      }
    };
    const hint = read('id_token_hint');
    const claims =
      hint === undefined ? null : await this.idTokens.verify(hint, { allowExpired: true });
    if (hint !== undefined && !claims) {
      throw refused('id_token_hint is not an ID token issued by this server.');
    }
    const clientId = read('client_id');
    if (claims && clientId !== undefined && claims.aud !== clientId) {
      throw refused('id_token_hint was issued to another client than client_id.');
    }
    const client = await this.clientOf((claims?.aud as string | undefined) ?? clientId);
    const returnTo = this.returnTo(client, read('post_logout_redirect_uri'), read('state'));
    read('ui_locales');
    const user = await this.sessions.signedInUser(session);
    // The hint must name this sign-in, not only this user: an ID token of an earlier session
    // (hints travel in URLs, so in histories and logs) signs nobody out without asking.
    const hintNamesThisSession =
      claims?.sub === user?.id && (claims?.sid === undefined || claims.sid === session.data.sid);
    if (!user || hintNamesThisSession) {
      await this.end(session);
      return finished(returnTo);
    }
    const pending: PendingLogout = {
      id: generateOpaqueSecret(16),
      clientName: client?.clientName ?? null,
      returnTo,
      createdAt: Date.now(),
    };
    session.data.pendingLogout = pending;
    await this.sessions.save(session);
    return { kind: 'confirm', pending, username: user.username };
  }

  // The user's answer on the confirmation page (CSRF-checked by the controller).
  async confirm(
    session: BrowserSession,
    logoutId: string | undefined,
    decision: string | undefined,
  ): Promise<LogoutOutcome> {
    const pending = session.data.pendingLogout;
    if (
      !pending ||
      pending.id !== logoutId ||
      Date.now() - pending.createdAt > PENDING_LOGOUT_TTL_MS
    ) {
      throw new PageError(
        400,
        'Request expired',
        'This sign-out request has expired. Go back to the application.',
      );
    }
    if (decision !== 'sign_out') {
      delete session.data.pendingLogout;
      await this.sessions.save(session);
      throw new PageError(
        200,
        'Still signed in',
        'You are still signed in. You can close this page.',
      );
    }
    await this.end(session);
    return finished(pending.returnTo);
  }

  // The browser session ends: its row is deleted, so the cookie opens nothing any more.
  private async end(session: BrowserSession): Promise<void> {
    if (session.version !== null) {
      await this.sessions.signOut(session);
    }
  }

  private async clientOf(clientId: string | undefined): Promise<Client | null> {
    if (clientId === undefined) {
      return null;
    }
    const client = await this.clients.findUsable(clientId);
    if (!client) {
      throw refused('The application is unknown or disabled.');
    }
    return client;
  }

  // RP-Initiated Logout §3: only a URI the client registered, compared byte for byte; never a
  // redirect elsewhere.
  private returnTo(
    client: Client | null,
    uri: string | undefined,
    state: string | undefined,
  ): string | null {
    if (uri === undefined) {
      return null;
    }
    if (!client) {
      throw refused('post_logout_redirect_uri needs id_token_hint or client_id.');
    }
    if (!client.postLogoutRedirectUris.includes(uri)) {
      throw refused('post_logout_redirect_uri is not registered for this application.');
    }
    return state === undefined ? uri : appendQuery(uri, { state });
  }
}

function finished(returnTo: string | null): LogoutOutcome {
  return returnTo === null ? { kind: 'signed-out' } : { kind: 'redirect', location: returnTo };
}
