import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  HttpCode,
  Injectable,
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
import { ClientAssertions, JWT_BEARER_ASSERTION } from './client-assertions';
import { clientAuthenticationFailed, readClientCredentials } from './client-credentials';

type RequestWithClient = HttpRequest & { client?: Client };

// Compared against when the client is unknown, so an unknown id costs what a wrong secret costs.
const UNKNOWN_CLIENT_SECRET_HASH = sha256Hex(generateOpaqueSecret());

// Client authentication for the token (and later revocation and introspection) endpoints: a form
// body, one method, and the method the client registered. Unknown client, disabled client, wrong
// secret and wrong method all fail alike with 401 invalid_client; a client that authenticated but
// is not approved (a developer's pending application) gets unauthorized_client.
@Injectable()
export class ClientAuthGuard implements CanActivate {
  constructor(
    private readonly clients: ClientsService,
    private readonly assertions: ClientAssertions,
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
    const found = await this.clients.find(credentials.clientId);
    const client = found?.enabled ? found : null;
    const secretMatches =
      credentials.secret !== undefined &&
      secretMatchesHash(credentials.secret, client?.secretHash ?? UNKNOWN_CLIENT_SECRET_HASH);
    if (
      !client ||
      client.tokenEndpointAuthMethod !== credentials.method ||
      (credentials.method !== 'none' && !secretMatches)
    ) {
      throw clientAuthenticationFailed();
    }
    return client;
  }
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

// A POST endpoint for authenticated clients (token, revocation, introspection): 200 on success,
// never cached (RFC 6749 §5.1), the client authenticated by ClientAuthGuard.
export const ClientAuthenticatedPost = () =>
  applyDecorators(Post(), HttpCode(200), NoStore(), UseGuards(ClientAuthGuard));
