import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponseOptions,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiOkResponse,
  ApiResponse,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

// What /docs shows of the OAuth endpoints and their errors. Documentation only: the rules live in
// the controllers, guards and services.

const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_token',
  'insufficient_scope',
  'server_error',
  'temporarily_unavailable',
];

// RFC 6749 §5.2 and RFC 6750 §3: every OAuth error body.
export class OAuthErrorBody {
  @ApiProperty({ enum: OAUTH_ERROR_CODES, example: 'invalid_client' })
  error!: string;

  @ApiProperty({ example: 'client authentication failed' })
  error_description!: string;
}

// The admin routes' errors (Nest's shape), with per-field problems on a 400.
export class AdminErrorBody {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'Validation failed' }) message!: string;
  @ApiPropertyOptional({
    example: { redirect_uris: ['redirect_uris [0] must be an absolute URL'] },
    description: 'On a 400 for invalid input: the problems of each field',
  })
  fields?: Record<string, string[]>;
}

const form = (properties: Record<string, SchemaObject>, required: string[]) =>
  ApiBody({
    schema: { type: 'object', properties, required },
    description:
      'application/x-www-form-urlencoded. The client authenticates with HTTP Basic ' +
      '(client_secret_basic) or client_id and client_secret in the form (client_secret_post), ' +
      'one method per request; a public client sends client_id alone.',
  });

const text = (description: string): SchemaObject => ({ type: 'string', description });

export const CLIENT_CREDENTIALS_FIELDS: Record<string, SchemaObject> = {
  client_id: text('with client_secret_post, or alone for a public client'),
  client_secret: text('client_secret_post only'),
};

// The responses every client-authenticated endpoint shares (RFC 6749 §5.2).
const clientAuthenticatedErrors = () =>
  applyDecorators(
    ApiConsumes('application/x-www-form-urlencoded'),
    ApiBadRequestResponse({
      type: OAuthErrorBody,
      description: 'invalid_request, and for the token endpoint the grant errors; no-store',
    }),
    ApiUnauthorizedResponse({
      type: OAuthErrorBody,
      description: 'invalid_client, with WWW-Authenticate: Basic realm="portcullis"',
    }),
    ApiServiceUnavailableResponse({
      type: OAuthErrorBody,
      description: 'temporarily_unavailable: the database is unreachable (Retry-After: 5)',
    }),
  );

const TOKEN_RESPONSE: SchemaObject = {
  type: 'object',
  properties: {
    access_token: { type: 'string' },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer', example: 3600 },
    refresh_token: { type: 'string' },
    scope: { type: 'string', example: 'profile email' },
  },
  required: ['access_token', 'token_type', 'expires_in', 'scope'],
};

export const TokenEndpointDocs = () =>
  applyDecorators(
    ApiTags('OAuth endpoints'),
    ApiOperation({
      summary:
        'Token endpoint (RFC 6749 §3.2): authorization_code, refresh_token, password, client_credentials',
    }),
    form(
      {
        grant_type: {
          type: 'string',
          enum: ['authorization_code', 'refresh_token', 'password', 'client_credentials'],
        },
        code: text('authorization_code'),
        redirect_uri: text('authorization_code: exactly as in the authorization request'),
        code_verifier: text('authorization_code with PKCE (RFC 7636)'),
        refresh_token: text('refresh_token'),
        username: text('password'),
        password: text('password'),
        scope: text('refresh_token and password: optional, at most what was granted'),
        ...CLIENT_CREDENTIALS_FIELDS,
      },
      ['grant_type'],
    ),
    ApiOkResponse({ schema: TOKEN_RESPONSE, description: 'Cache-Control: no-store' }),
    clientAuthenticatedErrors(),
    ApiTooManyRequestsResponse({
      type: OAuthErrorBody,
      description: 'password grant: the account or address is locked out (Retry-After)',
    }),
  );

export const RevocationDocs = () =>
  applyDecorators(
    ApiTags('OAuth endpoints'),
    ApiOperation({ summary: 'Revocation (RFC 7009)' }),
    form(
      {
        token: text('an access or refresh token'),
        token_type_hint: text('ignored: both kinds are looked up'),
        ...CLIENT_CREDENTIALS_FIELDS,
      },
      ['token'],
    ),
    ApiOkResponse({ description: 'Empty body, whether or not there was anything to revoke' }),
    clientAuthenticatedErrors(),
  );

export const IntrospectionDocs = () =>
  applyDecorators(
    ApiTags('OAuth endpoints'),
    ApiOperation({ summary: 'Introspection (RFC 7662): confidential clients only' }),
    form({ token: text('an access or refresh token'), ...CLIENT_CREDENTIALS_FIELDS }, ['token']),
    ApiOkResponse({
      schema: {
        type: 'object',
        properties: {
          active: { type: 'boolean' },
          scope: { type: 'string' },
          client_id: { type: 'string' },
          sub: { type: 'string' },
          username: { type: 'string' },
          token_type: { type: 'string', enum: ['Bearer', 'refresh_token'] },
          exp: { type: 'integer' },
          iat: { type: 'integer' },
          iss: { type: 'string' },
        },
        required: ['active'],
      },
      description: 'An inactive, unknown or foreign token is exactly {"active":false}',
    }),
    clientAuthenticatedErrors(),
  );

export const JsonDocumentDocs = (summary: string, description: string) =>
  applyDecorators(
    ApiTags('OAuth endpoints'),
    ApiOperation({ summary }),
    ApiOkResponse({ description } satisfies ApiResponseOptions),
  );

// The authorization endpoint (RFC 6749 §3.1): a browser navigation, answered by redirects.
export const AuthorizationEndpointDocs = () =>
  applyDecorators(
    ApiTags('OAuth endpoints'),
    ApiOperation({
      summary: 'Authorization endpoint (RFC 6749 §4.1.1, PKCE S256, OpenID Connect)',
      description:
        'Opened in the browser with response_type=code, client_id, redirect_uri, scope, state, ' +
        'code_challenge and code_challenge_method=S256 (and nonce, prompt, max_age… with openid). ' +
        'Answers 303 to the sign-in page, the consent page or the redirect URI (with code, state ' +
        'and iss, or error and error_description); an unknown client or an unregistered redirect ' +
        'URI gets an HTML error page, never a redirect.',
    }),
    ApiResponse({ status: 303, description: 'to /login, /consent or the redirect URI' }),
    ApiBadRequestResponse({
      description: 'HTML error page: the client or redirect URI cannot be verified',
    }),
    ApiServiceUnavailableResponse({ description: 'HTML error page: the database cannot answer' }),
  );
