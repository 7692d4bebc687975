import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { scopeForApi } from '../apis/api-scopes';
import { Api } from '../apis/api.entity';
import { ApisService } from '../apis/apis.service';
import { Client } from '../clients/client.entity';
import { userActor } from '../common/actor';
import { OAuthError, OAuthErrorCode } from '../common/oauth-error';
import { RawParams, readParam } from '../common/oauth-params';
import { appendQuery } from '../common/redirect-query';
import { requestableScopes } from '../common/scope';
import { Env } from '../config/env.validation';
import { PageError, SIGN_IN_PATH, SignInRequired } from '../pages/page-error';
import { BrowserSession, SessionService, signedInAt } from '../pages/session.service';
import { User } from '../users/user.entity';
import { AuthorizationCodesService } from './authorization-codes.service';
import { AuthorizationRequest, validateAuthorizationRequest } from './authorization-request';
import { Approved, ConsentsService, covers } from '../consents/consents.service';
import { mayRememberConsent } from './consent-policy';
import { addPending, findPending, PendingAuthorization, takePending } from './pending-requests';
import { IdTokenHints } from './id-token-hints';
import { OpenIdRequest, SignInContext } from './openid-request';
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

// A pending request is checked again against the client as it is now (SECURITY.md): an operator
// may have removed its redirect URI (never redirected to, then) or narrowed the client's scope
// since the request was validated.
function assertStillRegistered(client: Client, request: AuthorizationRequest): void {
  if (!client.redirectUris.includes(request.redirectUri)) {
    throw new PageError(
      400,
      'Request refused',
      'This application no longer uses the address it asked to return to. Go back to the application and start again.',
      'invalid_request',
    );
  }
  const allowed = requestableScopes(client.scope);
  const withdrawn = request.scope.filter((scope) => !allowed.includes(scope));
  if (withdrawn.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `the client may no longer request: ${withdrawn.join(' ')}`,
      400,
      { redirect: { redirectUri: request.redirectUri, state: request.state } },
    );
  }
}

// The authorization endpoint (RFC 6749 §4.1.1-4.1.2) with hosted login and consent: each method
// answers where the browser goes next.
@Injectable()
export class AuthorizationService {
  private readonly issuer: string;

  constructor(
    private readonly consents: ConsentsService,
    private readonly codes: AuthorizationCodesService,
    private readonly sessions: SessionService,
    private readonly hints: IdTokenHints,
    private readonly apis: ApisService,
    config: ConfigService<Env, true>,
  ) {
    this.issuer = config.get('ISSUER', { infer: true });
  }

  // For a signed-in user whose consent is remembered, three statements (the minimum;
  // test/statement-counts.e2e-spec.ts holds it): the session with its user (SessionGuard), the
  // client with that user's consent, and the code's insert.
  async authorize(params: RawParams, session: BrowserSession): Promise<string> {
    const { client, approved } = await this.verifiedClient(
      readParam(params, 'client_id'),
      session.userId,
    );
    const redirectUri = resolveRedirectUri(client.redirectUris, readParam(params, 'redirect_uri'));
    const request = await this.forTargetApi(
      validateAuthorizationRequest(client, redirectUri, params),
    );
    const user = await this.sessions.signedInUser(session);
    const mustSignIn = !user || (await this.needsFreshSignIn(request, user, session));
    const consented =
      user !== null &&
      !request.openid?.prompt.includes('consent') &&
      this.consentGiven(user, client, approved, request.redirectUri, request.scope);
    if (request.openid?.prompt.includes('none')) {
      // OpenID Connect Core §3.1.2.6: never a page; the client learns what is missing.
      if (mustSignIn) {
        throw interactionError(request, 'login_required', 'the user must sign in');
      }
      if (!consented) {
        throw interactionError(request, 'consent_required', 'the user must approve the request');
      }
    }
    if (user && !mustSignIn && consented) {
      return this.issueCode(request, user, session);
    }
    // Sign in (again), then come back to this request; or, signed in, ask for consent.
    const pending = addPending(session, request, mustSignIn && user !== null);
    if (mustSignIn) {
      session.data.resumeAfterLogin = pending.id;
    }
    await this.sessions.save(session);
    return mustSignIn ? SIGN_IN_PATH : consentPath(pending.id);
  }

  // Whether the sign-in form must be shown to a signed-in user first: the pending login is one
  // that asked to sign in again.
  async signInRequested(session: BrowserSession): Promise<boolean> {
    const found = await this.pendingWithClient(session, session.data.resumeAfterLogin);
    return found?.pending.forceSignIn === true;
  }

  // The username the pending login's request suggests (login_hint), to prefill the form.
  async loginHint(session: BrowserSession): Promise<string | null> {
    const found = await this.pendingWithClient(session, session.data.resumeAfterLogin);
    return found?.pending.openid?.loginHint ?? null;
  }

  // Where the browser goes right after sign-in: on with the request the login form was shown for
  // (named by the form, and only if it is pending in this session), if there is one; else back to
  // the signed-in page that sent it to sign in, if any.
  async resumeAfterLogin(
    session: BrowserSession,
    user: User,
    requestId: string | undefined,
  ): Promise<string> {
    const found = await this.pendingWithClient(session, requestId, user.id);
    const { returnTo } = session.data;
    delete session.data.resumeAfterLogin;
    delete session.data.returnTo;
    if (
      found &&
      !found.pending.openid?.prompt.includes('consent') &&
      this.consentGiven(
        user,
        found.client,
        found.approved,
        found.pending.redirectUri,
        found.pending.scope,
      )
    ) {
      assertStillRegistered(found.client, found.pending);
      takePending(session, found.pending.id);
      await this.sessions.save(session);
      return this.issueCode(found.pending, user, session);
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
    // A request that asked to sign in again (prompt=login, max_age) is approved only by a sign-in
    // made after it (Core §3.1.2.1): opening the consent page directly skips nothing.
    if (found.pending.forceSignIn && signedInAt(session.data) < found.pending.createdAt) {
      session.data.resumeAfterLogin = found.pending.id;
      await this.sessions.save(session);
      throw new SignInRequired();
    }
    assertStillRegistered(found.client, found.pending);
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
    return this.issueCode(pending, user, session);
  }

  // A pending request of this session whose client is still usable, with what `userId` has
  // approved for that client.
  private async pendingWithClient(
    session: BrowserSession,
    requestId: string | undefined,
    userId: string | null = null,
  ): Promise<{ pending: PendingAuthorization; client: Client; approved: Approved } | null> {
    const pending = findPending(session, requestId);
    const found = pending && (await this.consents.clientFor(pending.clientId, userId));
    return pending && found?.client.isUsable ? { pending, ...found } : null;
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

  // The client, with what the session's user has approved for it so far (read together).
  private async verifiedClient(
    clientId: string | undefined,
    userId: string | null,
  ): Promise<{ client: Client; approved: Approved }> {
    if (clientId === undefined) {
      throw new OAuthError('invalid_request', 'client_id is required');
    }
    const found = await this.consents.clientFor(clientId, userId);
    const client = found?.client;
    if (!found || !client?.enabled) {
      throw new OAuthError('invalid_client', 'unknown or disabled client');
    }
    // A developer's application is not sent users (nor to its redirect URIs) until approved.
    if (client.status !== 'approved') {
      throw notApproved(client);
    }
    return found;
  }

  // OpenID Connect Core §3.1.2.1: prompt=login and select_account sign in again, max_age bounds the
  // age of the sign-in (0: always again), and a verified id_token_hint naming another user asks
  // for that user's sign-in. A hint that does not verify is refused.
  private async needsFreshSignIn(
    request: AuthorizationRequest,
    user: User,
    session: BrowserSession,
  ): Promise<boolean> {
    const openid = request.openid;
    if (!openid) {
      return false;
    }
    if (openid.idTokenHint !== null) {
      const subject = await this.hints.subjectOf(openid.idTokenHint, request.clientId);
      if (subject === null) {
        throw interactionError(
          request,
          'invalid_request',
          'id_token_hint is not a valid ID token issued to this client',
        );
      }
      if (subject !== user.id) {
        return true;
      }
    }
    if (openid.prompt.includes('login') || openid.prompt.includes('select_account')) {
      return true;
    }
    const elapsed = Math.floor(Date.now() / 1000) - (session.data.authTime ?? 0);
    return openid.maxAge !== null && (openid.maxAge === 0 || elapsed > openid.maxAge);
  }

  // No consent page when the client is first-party (skip_consent) or the user already approved
  // every requested scope for it, unless it is a native app that must be asked every time
  // (RFC 8252 §8.6). The decision is still stored; it is just not used for such requests.
  private consentGiven(
    user: User,
    client: Client,
    approved: Approved,
    redirectUri: string,
    scope: string[],
  ): boolean {
    if (client.skipConsent) {
      return true;
    }
    return mayRememberConsent(client, redirectUri) && covers(approved, user.id, scope);
  }

  private async issueCode(
    request: AuthorizationRequest,
    user: User,
    session: BrowserSession,
  ): Promise<string> {
    const code = await this.codes.issue({
      ...request,
      userId: user.id,
      signIn: request.openid && signInContext(request.openid, session),
    });
    return appendQuery(request.redirectUri, { code, state: request.state, iss: this.issuer });
  }
}

// OpenID Connect Core §2: the sign-in this session holds, for the ID tokens of the code.
function signInContext(request: OpenIdRequest, session: BrowserSession): SignInContext {
  return {
    nonce: request.nonce,
    authTime: session.data.authTime ?? Math.floor(Date.now() / 1000),
    sid: session.data.sid ?? null,
    // RFC 8176 §2: a password (the only way to sign in here).
    amr: ['pwd'],
    claims: request.claims,
  };
}

// An error of a verified request, sent back to its redirect URI (RFC 6749 §4.1.2.1).
function interactionError(
  request: AuthorizationRequest,
  code: OAuthErrorCode,
  description: string,
): OAuthError {
  return new OAuthError(code, description, 400, {
    redirect: { redirectUri: request.redirectUri, state: request.state },
  });
}
