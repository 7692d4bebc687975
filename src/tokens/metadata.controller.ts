import { Controller, Get, Header } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { GRANT_TYPES, TOKEN_ENDPOINT_AUTH_METHODS } from '../clients/client.entity';
import { JsonDocumentDocs } from '../common/openapi';
import { BUILT_IN_SCOPES } from '../common/scope';
import { Env } from '../config/env.validation';
import { ASSERTION_ALGORITHMS } from './client-assertions';

// RFC 8414 §2: what a client library needs to discover this server. The issuer is exactly
// ISSUER, and every endpoint hangs off it. OpenID Connect Discovery serves the same plus its own.
export function authorizationServerMetadata(issuer: string): Record<string, unknown> {
  const confidentialMethods = TOKEN_ENDPOINT_AUTH_METHODS.filter((method) => method !== 'none');
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    jwks_uri: `${issuer}/oauth/jwks`,
    scopes_supported: BUILT_IN_SCOPES,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: GRANT_TYPES,
    token_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS,
    introspection_endpoint_auth_methods_supported: confidentialMethods,
    // RFC 8414 §2: the algorithms of private_key_jwt assertions, on each endpoint.
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
  };
}

@Controller('.well-known/oauth-authorization-server')
export class MetadataController {
  private readonly metadata: Record<string, unknown>;

  constructor(config: ConfigService<Env, true>) {
    this.metadata = authorizationServerMetadata(config.get('ISSUER', { infer: true }));
  }

  @Get()
  @JsonDocumentDocs('Server metadata (RFC 8414)', 'The metadata document; cacheable for 5 minutes')
  @Header('Cache-Control', 'public, max-age=300')
  get(): Record<string, unknown> {
    return this.metadata;
  }
}
