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
import { RawParams } from '../common/oauth-params';
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
  constructor(private readonly clients: ClientsService) {}

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
    const credentials = readClientCredentials(
      request.headers.authorization,
      request.body as RawParams,
    );
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
