import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  Length,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { isWellFormedScope } from '../../common/scope';
import { OptionalNonNull } from '../../common/validation';
import { Api, API_TOKEN_FORMATS, ApiTokenFormat } from '../api.entity';
import { resourceIndicatorProblem } from '../resource-indicator';

const IsResourceIndicator = () =>
  ValidateBy({
    name: 'isResourceIndicator',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && resourceIndicatorProblem(value) === undefined,
      defaultMessage: (args) =>
        `identifier ${typeof args?.value === 'string' ? resourceIndicatorProblem(args.value) : 'must be a string'}`,
    },
  });

// One scope token (RFC 6749 §3.3), not a space-separated list.
const IsScopeToken = () =>
  ValidateBy({
    name: 'isScopeToken',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && isWellFormedScope(value) && !value.includes(' '),
      defaultMessage: () => 'value must be one scope token (RFC 6749 §3.3)',
    },
  });

export class ApiScopeDto {
  @ApiProperty({ example: 'orders:read' })
  @IsScopeToken()
  @Length(1, 100)
  @IsString()
  value!: string;

  @ApiProperty({ example: 'Read your orders', description: 'Shown on the consent page' })
  @Length(1, 200)
  @IsString()
  description!: string;
}

export class CreateApiDto {
  @ApiProperty({ example: 'https://orders.example.com', description: 'Used as the tokens aud' })
  @IsResourceIndicator()
  @IsString()
  identifier!: string;

  @ApiProperty({ example: 'Orders API', maxLength: 200 })
  @Length(1, 200)
  @IsString()
  name!: string;

  @ApiPropertyOptional({ type: [ApiScopeDto], default: [] })
  @OptionalNonNull()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ApiScopeDto)
  @IsArray()
  scopes?: ApiScopeDto[];

  @ApiPropertyOptional({ enum: API_TOKEN_FORMATS, default: 'jwt' })
  @OptionalNonNull()
  @IsIn(API_TOKEN_FORMATS)
  access_token_format?: ApiTokenFormat;

  @ApiPropertyOptional({ description: 'Seconds; default ACCESS_TOKEN_TTL', minimum: 60 })
  @OptionalNonNull()
  @Max(86400)
  @Min(60)
  @IsInt()
  access_token_ttl?: number;
}

// The identifier is the tokens' audience: changing it would orphan issued tokens, so it is fixed.
export class UpdateApiDto extends PartialType(OmitType(CreateApiDto, ['identifier'] as const), {
  skipNullProperties: false,
}) {}

export class ApiResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() identifier!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [ApiScopeDto] }) scopes!: ApiScopeDto[];
  @ApiProperty({ enum: API_TOKEN_FORMATS }) access_token_format!: ApiTokenFormat;
  @ApiProperty() access_token_ttl!: number;
  @ApiProperty() created_at!: string;

  static from(api: Api): ApiResponseDto {
    return {
      id: api.id,
      identifier: api.identifier,
      name: api.name,
      scopes: api.scopes,
      access_token_format: api.accessTokenFormat,
      access_token_ttl: api.accessTokenTtl,
      created_at: api.createdAt.toISOString(),
    };
  }
}
