import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  Min,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { OptionalNonNull } from '../../common/validation';
import {
  ACCESS_TOKEN_FORMATS,
  AccessTokenFormat,
  Client,
  CLIENT_STATUSES,
  ClientStatus,
  GRANT_TYPES,
  GrantType,
  ID_TOKEN_SIGNING_ALGS,
  IdTokenSigningAlg,
  TOKEN_ENDPOINT_AUTH_METHODS,
  TokenEndpointAuthMethod,
} from '../client.entity';
import {
  homepageProblem,
  originProblem,
  redirectUriProblem,
  scopeProblem,
} from '../client-metadata';

export const MAX_DESCRIPTION_LENGTH = 1000;

// A string, or each string of an array, must pass `problemOf`; the message names the first failure.
function Satisfies(problemOf: (value: string) => string | undefined, options?: ValidationOptions) {
  const firstProblem = (value: unknown): string | undefined => {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const [index, item] of values.entries()) {
      const problem = typeof item === 'string' ? problemOf(item) : 'must be a string';
      if (problem) {
        return Array.isArray(value) ? `[${index}] ${problem}` : problem;
      }
    }
    return undefined;
  };
  return ValidateBy(
    {
      name: 'satisfies',
      validator: {
        validate: (value: unknown) => firstProblem(value) === undefined,
        defaultMessage: (args) => `${args?.property} ${firstProblem(args?.value)}`,
      },
    },
    options,
  );
}

// A JWK Set of public keys only (RFC 7517 §5): 1-10 keys, each with kty, none with a private part.
function IsPublicJwkSet() {
  const problemOf = (value: unknown): string | undefined => {
    const keys = (value as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > 10) {
      return 'must be a JWK Set {"keys": [...]} of 1 to 10 keys';
    }
    const bad: unknown = (keys as unknown[]).find(
      (key) =>
        typeof key !== 'object' ||
        key === null ||
        typeof (key as { kty?: unknown }).kty !== 'string',
    );
    if (bad !== undefined) {
      return 'every key needs a kty';
    }
    return keys.some((key) => 'd' in (key as object) || 'k' in (key as object))
      ? 'must hold public keys only'
      : undefined;
  };
  return ValidateBy({
    name: 'isPublicJwkSet',
    validator: {
      validate: (value: unknown) => problemOf(value) === undefined,
      defaultMessage: (args) => `jwks ${problemOf(args?.value)}`,
    },
  });
}

export class CreateClientDto {
  @ApiProperty({ example: 'Acme Dashboard', maxLength: 200 })
  @Length(1, 200)
  @IsString()
  client_name!: string;

  @ApiPropertyOptional({ example: ['https://app.example.com/callback'], default: [] })
  @OptionalNonNull()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Satisfies(redirectUriProblem)
  @IsArray()
  redirect_uris?: string[];

  @ApiPropertyOptional({
    enum: GRANT_TYPES,
    isArray: true,
    default: ['authorization_code', 'refresh_token'],
    description:
      'Empty (the default when introspection_allowed is true and there are no redirect_uris) for a resource server that only introspects tokens',
  })
  @OptionalNonNull()
  @ArrayUnique()
  @IsIn(GRANT_TYPES, { each: true })
  @IsArray()
  grant_types?: GrantType[];

  @ApiPropertyOptional({ example: 'profile email', default: 'profile email' })
  @OptionalNonNull()
  @MaxLength(1000)
  @Satisfies(scopeProblem)
  @IsString()
  scope?: string;

  @ApiPropertyOptional({ enum: TOKEN_ENDPOINT_AUTH_METHODS, default: 'client_secret_basic' })
  @OptionalNonNull()
  @IsIn(TOKEN_ENDPOINT_AUTH_METHODS)
  token_endpoint_auth_method?: TokenEndpointAuthMethod;

  @ApiPropertyOptional({ enum: ACCESS_TOKEN_FORMATS, default: 'opaque' })
  @OptionalNonNull()
  @IsIn(ACCESS_TOKEN_FORMATS)
  access_token_format?: AccessTokenFormat;

  @ApiPropertyOptional({ default: true })
  @OptionalNonNull()
  @IsBoolean()
  require_pkce?: boolean;

  @ApiPropertyOptional({
    enum: ID_TOKEN_SIGNING_ALGS,
    default: 'RS256',
    description: 'OpenID Connect: the algorithm its ID tokens are signed with (never none)',
  })
  @OptionalNonNull()
  @IsIn(ID_TOKEN_SIGNING_ALGS)
  id_token_signed_response_alg?: IdTokenSigningAlg;

  @ApiPropertyOptional({
    example: ['https://app.example.com/signed-out'],
    default: [],
    description: 'OpenID Connect: where RP-initiated logout may return (exact match)',
  })
  @OptionalNonNull()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Satisfies(redirectUriProblem)
  @IsArray()
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({
    example: 'https://app.example.com/backchannel-logout',
    nullable: true,
    description: 'OpenID Connect Back-Channel Logout: where logout tokens are POSTed',
  })
  @IsOptional()
  @Satisfies(redirectUriProblem)
  @IsString()
  backchannel_logout_uri?: string | null;

  @ApiPropertyOptional({ default: false })
  @OptionalNonNull()
  @IsBoolean()
  backchannel_logout_session_required?: boolean;

  @ApiPropertyOptional({
    description: 'private_key_jwt: the client public keys, a JWK Set {"keys": [...]}',
  })
  @OptionalNonNull()
  @IsPublicJwkSet()
  jwks?: { keys: Record<string, unknown>[] };

  @ApiPropertyOptional({ description: 'private_key_jwt: where the client publishes its JWK Set' })
  @OptionalNonNull()
  @Satisfies(redirectUriProblem)
  @IsString()
  jwks_uri?: string;

  @ApiPropertyOptional({ example: ['https://app.example.com'], default: [] })
  @OptionalNonNull()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Satisfies(originProblem)
  @IsArray()
  allowed_origins?: string[];

  @ApiPropertyOptional({ default: false })
  @OptionalNonNull()
  @IsBoolean()
  skip_consent?: boolean;

  @ApiPropertyOptional({ default: false })
  @OptionalNonNull()
  @IsBoolean()
  introspection_allowed?: boolean;

  @ApiPropertyOptional({ default: true })
  @OptionalNonNull()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: 'https://app.example.com', description: 'Home page' })
  @OptionalNonNull()
  @Satisfies(homepageProblem)
  @IsString()
  client_uri?: string;

  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH })
  @OptionalNonNull()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  @IsString()
  description?: string;
}

export class UpdateClientDto extends PartialType(CreateClientDto, { skipNullProperties: false }) {}

export class ListClientsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: CLIENT_STATUSES })
  @IsOptional()
  @IsIn(CLIENT_STATUSES)
  status?: ClientStatus;
}

// A decision names the version it was made on (the client's review_version when the operator
// looked at it); a client changed since then must be reviewed again.
export class ReviewClientDto {
  @ApiProperty({ description: 'The review_version of the client as reviewed', minimum: 1 })
  @Min(1)
  @IsInt()
  review_version!: number;
}

export class RejectClientDto extends ReviewClientDto {
  @ApiProperty({ description: 'Shown to the application owner', maxLength: 500 })
  @Length(1, 500)
  @IsString()
  reason!: string;
}

export class ClientResponseDto {
  @ApiProperty() client_id!: string;
  @ApiPropertyOptional({ description: 'Only in the responses to create and secret rotation' })
  client_secret?: string;
  @ApiProperty() client_name!: string;
  @ApiProperty() redirect_uris!: string[];
  @ApiProperty({ enum: GRANT_TYPES, isArray: true }) grant_types!: GrantType[];
  @ApiProperty() scope!: string;
  @ApiProperty({ enum: TOKEN_ENDPOINT_AUTH_METHODS })
  token_endpoint_auth_method!: TokenEndpointAuthMethod;
  @ApiProperty({ enum: ACCESS_TOKEN_FORMATS }) access_token_format!: AccessTokenFormat;
  @ApiProperty() require_pkce!: boolean;
  @ApiProperty({ enum: ID_TOKEN_SIGNING_ALGS }) id_token_signed_response_alg!: IdTokenSigningAlg;
  @ApiProperty() post_logout_redirect_uris!: string[];
  @ApiProperty({ nullable: true, type: String }) backchannel_logout_uri!: string | null;
  @ApiProperty() backchannel_logout_session_required!: boolean;
  @ApiPropertyOptional({ nullable: true, description: 'private_key_jwt clients only' })
  jwks?: { keys: Record<string, unknown>[] } | null;
  @ApiPropertyOptional({ nullable: true, description: 'private_key_jwt clients only' })
  jwks_uri?: string | null;
  @ApiProperty() allowed_origins!: string[];
  @ApiProperty() skip_consent!: boolean;
  @ApiProperty() introspection_allowed!: boolean;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: CLIENT_STATUSES }) status!: ClientStatus;
  @ApiProperty({ nullable: true, description: 'The developer who registered it' })
  owner_id!: string | null;
  @ApiProperty({ nullable: true }) client_uri!: string | null;
  @ApiProperty({ nullable: true }) description!: string | null;
  @ApiProperty({ nullable: true }) rejection_reason!: string | null;
  @ApiProperty({ description: 'Incremented by every change operators review' })
  review_version!: number;
  @ApiProperty() created_at!: string;

  static from(client: Client, secret?: string): ClientResponseDto {
    return {
      client_id: client.clientId,
      ...(secret === undefined ? {} : { client_secret: secret }),
      client_name: client.clientName,
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes,
      scope: client.scope,
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      access_token_format: client.accessTokenFormat,
      require_pkce: client.requirePkce,
      id_token_signed_response_alg: client.idTokenSignedResponseAlg,
      post_logout_redirect_uris: client.postLogoutRedirectUris,
      backchannel_logout_uri: client.backchannelLogoutUri,
      backchannel_logout_session_required: client.backchannelLogoutSessionRequired,
      ...(client.usesKeys && { jwks: client.jwks, jwks_uri: client.jwksUri }),
      allowed_origins: client.allowedOrigins,
      skip_consent: client.skipConsent,
      introspection_allowed: client.introspectionAllowed,
      enabled: client.enabled,
      status: client.status,
      owner_id: client.ownerId,
      client_uri: client.clientUri,
      description: client.description,
      rejection_reason: client.rejectionReason,
      review_version: client.reviewVersion,
      created_at: client.createdAt.toISOString(),
    };
  }
}
