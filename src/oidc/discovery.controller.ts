import { Controller, Get, Header } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import { ID_TOKEN_SIGNING_ALGS } from '../clients/client.entity';
import { Env } from '../config/env.validation';
import { authorizationServerMetadata } from '../tokens/metadata.controller';
import { SUPPORTED_CLAIMS } from './standard-claims';

// OpenID Connect Discovery 1.0 §3: the RFC 8414 document (same issuer, same endpoints) plus what
// a relying party needs of an OpenID Provider.
export function openIdConfiguration(issuer: string): Record<string, unknown> {
  return {
    ...authorizationServerMetadata(issuer),
    userinfo_endpoint: `${issuer}/oauth/userinfo`,
    end_session_endpoint: `${issuer}/oauth/logout`,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ID_TOKEN_SIGNING_ALGS,
    userinfo_signing_alg_values_supported: [],
    claims_supported: [
      ...SUPPORTED_CLAIMS,
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'at_hash',
      'azp',
      'sid',
      'amr',
    ],
    claim_types_supported: ['normal'],
    claims_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    require_request_uri_registration: false,
    display_values_supported: ['page', 'popup', 'touch', 'wap'],
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
  };
}

@ApiExcludeController()
@Controller('.well-known/openid-configuration')
export class DiscoveryController {
  private readonly configuration: Record<string, unknown>;

  constructor(config: ConfigService<Env, true>) {
    this.configuration = openIdConfiguration(config.get('ISSUER', { infer: true }));
  }

  @Get()
  @Header('Cache-Control', 'public, max-age=300')
  get(): Record<string, unknown> {
    return this.configuration;
  }
}
