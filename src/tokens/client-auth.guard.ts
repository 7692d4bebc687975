import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  HttpCode,
  Injectable,
  Logger,
  Post,
  UseGuards,
} from '@nestjs/common';
import { HttpRequest, isFormBody } from '../common/http';
import { Client } from '../clients/client.entity';
import { hasRepeatedAuthorization } from '../common/bearer-token';
import { ClientsService } from '../clients/clients.service';
import { generateOpaqueSecret, secretMatchesHash, sha256Hex } from '../common/crypto';
import { NoStore } from '../common/no-store';
import { OAuthError } from '../common/oauth-error';
import { RawParams, readParam } from '../common/oauth-params';
import { AuthorizationCodesService, CodeRead } from '../authorization/authorization-codes.service';
import { ClientAssertions, JWT_BEARER_ASSERTION } from './client-assertions';
import { RefreshTokenRead, RefreshTokenStore } from './refresh-token.store';
import {
  ClientCredentials,
  clientAuthenticationFailed,
  readClientCredentials,
} from './client-credentials';

// What a token request presents, read with its client in the same statement.
export type GrantRead = { refreshToken?: RefreshTokenRead; code?: CodeRead };

type RequestWithClient = HttpRequest & { client?: Client; grantRead?: GrantRead };

// Compared against when the client is unknown, so an unknown id costs what a wrong secret costs.
const UNKNOWN_CLIENT_SECRET_HASH = sha256Hex(generateOpaqueSecret());

// Why authentication failed, for the log only: the caller learns no more than RFC 6749 §5.2's
// invalid_client (an unknown client and a wrong secret must look the same to it).
type AuthFailure =
  | 'unknown client'
  | 'client disabled'
  | 'wrong secret'
  | 'a public client sent a secret'
  | 'no secret sent by a confidential client';

// Client authentication for the token, revocation and introspection endpoints: a form body and
// one method per request (RFC 6749 §2.3). A client with a secret may send it either way,
// client_secret_basic or client_secret_post, whichever it registered (as Keycloak and
// django-oauth-toolkit do; client libraries default to one or the other); a public client sends
// its client_id alone. Every failure is 401 invalid_client, its reason logged; a client that
// authenticated but is not approved (a developer's pending application) gets unauthorized_client.
@Injectable()
export class ClientAuthGuard implements CanActivate {
  private readonly logger = new Logger('ClientAuthentication');

  constructor(
    private readonly clients: ClientsService,
    private readonly assertions: ClientAssertions,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly codes: AuthorizationCodesService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithClient>();
    if (!isFormBody(request)) {
      throw new OAuthError(
        'invalid_request',
        'the request body must be application/x-www-form-urlencoded',
      );
    }
    if (hasRepeatedAuthorization(request.raw.rawHeaders)) {
      throw new OAuthError('invalid_request', 'use one client authentication method per request');
    }
    const client = await this.authenticatedClient(request);
    // Told only to the client itself, once it has authenticated.
    if (client.status !== 'approved') {
      throw new OAuthError(
        'unauthorized_client',
        client.status === 'pending'
          ? 'this client is awaiting approval by an operator'
          : 'this client was not approved by an operator',
      );
    }
    request.client = client;
    return true;
  }

  // private_key_jwt (a client assertion, RFC 7523 §2.2) or a secret / client_id alone.
  private async authenticatedClient(request: RequestWithClient): Promise<Client> {
    const body = request.body as RawParams;
    const assertionType = readParam(body, 'client_assertion_type');
    const assertion = readParam(body, 'client_assertion');
    if (assertionType !== undefined || assertion !== undefined) {
      if (request.headers.authorization !== undefined || body.client_secret !== undefined) {
        throw new OAuthError('invalid_request', 'use one client authentication method per request');
      }
      if (assertionType !== JWT_BEARER_ASSERTION || assertion === undefined) {
        throw clientAuthenticationFailed();
      }
      return this.assertions.authenticate(assertion, readParam(body, 'client_id'));
    }
    const credentials = readClientCredentials(request.headers.authorization, body);
    const found = await this.clientOf(request, credentials.clientId);
    const failure = authenticationFailure(credentials, found);
    if (failure || !found) {
      this.logFailure(request, credentials, failure ?? 'unknown client');
      throw clientAuthenticationFailed();
    }
    return found;
  }

  // The client by id. A token request's refresh token or code is read with it, in the same
  // statement: the grant then reads nothing more before its conditional UPDATE decides.
  private async clientOf(request: RequestWithClient, clientId: string): Promise<Client | null> {
    // Read as given; the request's own validation comes after authentication.
    const { grant_type: grantType, refresh_token: refreshToken, code } = request.body as RawParams;
    if (grantType === 'refresh_token' && typeof refreshToken === 'string') {
      const tokenHash = sha256Hex(refreshToken);
      const { client, token } = await this.refreshTokens.findWithClient(clientId, tokenHash);
      request.grantRead = { refreshToken: { tokenHash, token } };
      return client;
    }
    if (grantType === 'authorization_code' && typeof code === 'string') {
      const { client, ...read } = await this.codes.findWithClient(clientId, code);
      request.grantRead = { code: read };
      return client;
    }
    return this.clients.find(clientId);
  }

  // The client_id is the caller's input: logged JSON-quoted and cut short, never the secret.
  private logFailure(request: HttpRequest, credentials: ClientCredentials, reason: string): void {
    this.logger.warn(
      `client authentication failed on ${request.url.split('?', 1)[0]}: ${reason} ` +
        `(client_id ${JSON.stringify(credentials.clientId.slice(0, 100))}, method ${credentials.method})`,
    );
  }
}

function authenticationFailure(
  credentials: ClientCredentials,
  found: Client | null,
): AuthFailure | undefined {
  const client = found?.enabled ? found : null;
  // Always compared, against a stand-in when there is no client, so timing tells nothing.
  const secretMatches =
    credentials.secret !== undefined &&
    secretMatchesHash(credentials.secret, client?.secretHash ?? UNKNOWN_CLIENT_SECRET_HASH);
  if (!found) {
    return 'unknown client';
  }
  if (!client) {
    return 'client disabled';
  }
  if (client.isPublic) {
    return credentials.method === 'none' ? undefined : 'a public client sent a secret';
  }
  if (credentials.method === 'none') {
    return 'no secret sent by a confidential client';
  }
  return secretMatches ? undefined : 'wrong secret';
}

// The client ClientAuthGuard authenticated.
export const AuthenticatedClient = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Client => {
    const { client } = context.switchToHttp().getRequest<RequestWithClient>();
    if (!client) {
      throw new Error('@AuthenticatedClient() used on a route without ClientAuthGuard');
    }
    return client;
  },
);

// What ClientAuthGuard read with the client ({} when nothing).
export const ReadWithClient = createParamDecorator(
  (_data: unknown, context: ExecutionContext): GrantRead =>
    context.switchToHttp().getRequest<RequestWithClient>().grantRead ?? {},
);

// A POST endpoint for authenticated clients (token, revocation, introspection): 200 on success,
// never cached (RFC 6749 §5.1), the client authenticated by ClientAuthGuard.
export const ClientAuthenticatedPost = () =>
  applyDecorators(Post(), HttpCode(200), NoStore(), UseGuards(ClientAuthGuard));
