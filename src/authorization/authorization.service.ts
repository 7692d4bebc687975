import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { scopeForApi } from '../apis/api-scopes';
import { Api } from '../apis/api.entity';
import { ApisService } from '../apis/apis.service';
import { Client } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { userActor } from '../common/actor';
import { OAuthError } from '../common/oauth-error';
import { RawParams, readParam } from '../common/oauth-params';
import { appendQuery } from '../common/redirect-query';
import { Env } from '../config/env.validation';
import { PageError, SIGN_IN_PATH } from '../pages/page-error';
import { BrowserSession, SessionService } from '../pages/session.service';
import { User } from '../users/user.entity';
import { AuthorizationCodesService } from './authorization-codes.service';
import { AuthorizationRequest, validateAuthorizationRequest } from './authorization-request';
import { ConsentsService } from '../consents/consents.service';
import { addPending, findPending, PendingAuthorization, takePending } from './pending-requests';
import { resolveRedirectUri } from './redirect-uri';

export const consentPath = (requestId: string) => `/consent?request=${requestId}`;

// `api`: the registered API the request is for (its scopes' descriptions are shown), if any.
export type ConsentPrompt = {
  pending: PendingAuthorization;
  client: Client;
  user: User;
  api: Api | null;
};

const requestGone = () =>
  new PageError(
    400,
    'Request expired',
    'This authorization request has expired or was already answered. Go back to the application and start again.',
  );

const notApproved = (client: Client) =>
  client.status === 'pending'
    ? new PageError(
        400,
        'Application awaiting approval',
        `${client.clientName} is awaiting approval by an operator of this server. Try again once it has been approved.`,
        'unauthorized_client',
      )
    : new PageError(
        400,
        'Application not approved',
        `${client.clientName} was not approved by an operator of this server.`,
        'unauthorized_client',
      );

// The authorization endpoint (RFC 6749 §4.1.1-4.1.2) with hosted login and consent: each method
// answers where the browser goes next.
@Injectable()
export class AuthorizationService {
  private readonly issuer: string;

  constructor(
    private readonly clients: ClientsService,
    private readonly consents: ConsentsService,
    private readonly codes: AuthorizationCodesService,
    private readonly sessions: SessionService,
    private readonly apis: ApisService,
    config: ConfigService<Env, true>,
  ) {
    this.issuer = config.get('ISSUER', { infer: true });
  }

  async authorize(params: RawParams, session: BrowserSession): Promise<string> {
    const client = await this.verifiedClient(readParam(params, 'client_id'));
    const redirectUri = resolveRedirectUri(client.redirectUris, readParam(params, 'redirect_uri'));
    const request = await this.forTargetApi(
      validateAuthorizationRequest(client, redirectUri, params),
    );
    const user = await this.sessions.signedInUser(session);
    if (user && (await this.consentGiven(user, client, request.scope))) {
      return this.issueCode(request, user);
    }
    // Signed out: sign in, then come back to this request. Signed in: ask for consent.
    const pending = addPending(session, request);
    if (!user) {
      session.data.resumeAfterLogin = pending.id;
    }
    await this.sessions.save(session);
    return user ? consentPath(pending.id) : SIGN_IN_PATH;
  }

  // Where the browser goes right after sign-in: on with the request the login form was shown for
  // (named by the form, and only if it is pending in this session), if there is one; else back to
  // the signed-in page that sent it to sign in, if any.
  async resumeAfterLogin(
    session: BrowserSession,
    user: User,
    requestId: string | undefined,
  ): Promise<string> {
    const found = await this.pendingWithClient(session, requestId);
    const { returnTo } = session.data;
    delete session.data.resumeAfterLogin;
    delete session.data.returnTo;
    if (found && (await this.consentGiven(user, found.client, found.pending.scope))) {
      takePending(session, found.pending.id);
      await this.sessions.save(session);
      return this.issueCode(found.pending, user);
    }
    await this.sessions.save(session);
    if (found) {
      return consentPath(found.pending.id);
    }
    // Only ever a path of ours (SignedInGuard stores the route's declared page).
    return returnTo?.startsWith('/') && !returnTo.startsWith('//') ? returnTo : SIGN_IN_PATH;
  }

  // The application a pending login is for, shown on the login page.
  async loginClientName(session: BrowserSession): Promise<string | null> {
    const found = await this.pendingWithClient(session, session.data.resumeAfterLogin);
    return found ? found.client.clientName : null;
  }

  async consentPrompt(
    session: BrowserSession,
    requestId: string | undefined,
  ): Promise<ConsentPrompt> {
    const user = await this.sessions.signedInUser(session);
    const found = await this.pendingWithClient(session, requestId);
    if (!user || !found) {
      throw requestGone();
    }
    const { resource } = found.pending;
    const api = resource ? await this.apis.findByIdentifier(resource) : null;
    return { ...found, user, api };
  }

  // The user's decision on the pending request, read from the session (never from the form) and
  // usable once.
  async decide(
    session: BrowserSession,
    requestId: string | undefined,
    decision: string | undefined,
    ip: string,
  ) {
    const { pending, user } = await this.consentPrompt(session, requestId);
    if (decision !== 'approve' && decision !== 'deny') {
      throw new PageError(400, 'No decision', 'Choose Approve or Deny.');
    }
    takePending(session, pending.id);
    await this.sessions.save(session);
    if (decision === 'deny') {
      throw new OAuthError('access_denied', 'the user denied the request', 400, {
        redirect: { redirectUri: pending.redirectUri, state: pending.state },
      });
    }
    await this.consents.remember(userActor(user.id, ip), user.id, pending.clientId, pending.scope);
    return this.issueCode(pending, user);
  }

  // A pending request of this session whose client is still usable.
  private async pendingWithClient(
    session: BrowserSession,
    requestId: string | undefined,
  ): Promise<{ pending: PendingAuthorization; client: Client } | null> {
    const pending = findPending(session, requestId);
    const client = pending && (await this.clients.findUsable(pending.clientId));
    return pending && client ? { pending, client } : null;
  }

  // RFC 8707: a named API must be registered (invalid_target), and the request's scope is limited
  // to that API's scopes, which the consent page then describes. `<ISSUER>/api` is the built-in
  // API, as if none were named.
  private async forTargetApi(request: AuthorizationRequest): Promise<AuthorizationRequest> {
    if (request.resource === null || request.resource === `${this.issuer}/api`) {
      return { ...request, resource: null };
    }
    const redirect = { redirectUri: request.redirectUri, state: request.state };
    const api = await this.apis.findByIdentifier(request.resource);
    if (!api) {
      throw new OAuthError('invalid_target', 'resource is not a registered API', 400, { redirect });
    }
    const scope = scopeForApi(request.scope, api);
    if (typeof scope === 'string') {
      throw new OAuthError('invalid_scope', scope, 400, { redirect });
    }
    return { ...request, scope };
  }

  private async verifiedClient(clientId: string | undefined): Promise<Client> {
    if (clientId === undefined) {
      throw new OAuthError('invalid_request', 'client_id is required');
    }
    const client = await this.clients.find(clientId);
    if (!client?.enabled) {
      throw new OAuthError('invalid_client', 'unknown or disabled client');
    }
    // A developer's application is not sent users (nor to its redirect URIs) until approved.
    if (client.status !== 'approved') {
      throw notApproved(client);
    }
    return client;
  }

  // No consent page when the client is first-party (skip_consent) or the user already approved
  // every requested scope for it.
  private async consentGiven(user: User, client: Client, scope: string[]): Promise<boolean> {
    return client.skipConsent || this.consents.covers(user.id, client.clientId, scope);
  }

  private async issueCode(request: AuthorizationRequest, user: User): Promise<string> {
    const code = await this.codes.issue({ ...request, userId: user.id });
    return appendQuery(request.redirectUri, { code, state: request.state, iss: this.issuer });
  }
}
