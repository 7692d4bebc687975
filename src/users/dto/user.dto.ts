import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { StandardAddress, StandardClaims, USER_ROLES, User, UserRole } from '../user.entity';
import { normalizeUsername, USERNAME_PATTERN } from '../username';
import { OptionalNonNull } from '../../common/validation';

const lowerCase = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? normalizeUsername(value) : value;

// OpenID Connect Core §5.1.1
export class AddressDto implements StandardAddress {
  @IsOptional() @MaxLength(500) @IsString() formatted?: string;
  @IsOptional() @MaxLength(200) @IsString() street_address?: string;
  @IsOptional() @MaxLength(100) @IsString() locality?: string;
  @IsOptional() @MaxLength(100) @IsString() region?: string;
  @IsOptional() @MaxLength(20) @IsString() postal_code?: string;
  @IsOptional() @MaxLength(100) @IsString() country?: string;
}

// OpenID Connect Core §5.1: the standard claims besides name and email, each optional; null
// removes one.
export class StandardClaimsDto {
  @ApiPropertyOptional({ example: 'Alice' })
  @IsOptional()
  @Length(1, 100)
  @IsString()
  given_name?: string | null;

  @ApiPropertyOptional({ example: 'Liddell' })
  @IsOptional()
  @Length(1, 100)
  @IsString()
  family_name?: string | null;

  @ApiPropertyOptional() @IsOptional() @Length(1, 100) @IsString() middle_name?: string | null;
  @ApiPropertyOptional() @IsOptional() @Length(1, 100) @IsString() nickname?: string | null;
  @ApiPropertyOptional() @IsOptional() @Length(1, 2000) @IsString() profile?: string | null;
  @ApiPropertyOptional() @IsOptional() @Length(1, 2000) @IsString() picture?: string | null;
  @ApiPropertyOptional() @IsOptional() @Length(1, 2000) @IsString() website?: string | null;
  @ApiPropertyOptional() @IsOptional() @Length(1, 50) @IsString() gender?: string | null;

  @ApiPropertyOptional({ example: '1852-05-04' })
  @IsOptional()
  @Matches(/^(\d{4}|0000)(-\d{2}-\d{2})?$/, { message: 'birthdate must be YYYY-MM-DD or YYYY' })
  @IsString()
  birthdate?: string | null;

  @ApiPropertyOptional({ example: 'Europe/London' })
  @IsOptional()
  @Length(1, 64)
  @IsString()
  zoneinfo?: string | null;

  @ApiPropertyOptional({ example: 'en-GB' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, { message: 'locale must be a BCP 47 tag' })
  @IsString()
  locale?: string | null;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() email_verified?: boolean | null;

  @ApiPropertyOptional({ example: '+44 20 7946 0000' })
  @IsOptional()
  @Matches(/^\+?[0-9 ().-]{3,30}(;ext=[0-9]{1,10})?$/, {
    message: 'phone_number must be a phone number',
  })
  @IsString()
  phone_number?: string | null;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() phone_number_verified?: boolean | null;

  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  @IsObject()
  address?: AddressDto | null;
}

export const STANDARD_CLAIM_FIELDS = [
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'profile',
  'picture',
  'website',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'email_verified',
  'phone_number',
  'phone_number_verified',
  'address',
] as const;

// The stored claims after applying `changes` (a field set to null is removed).
export function mergeStandardClaims(
  current: StandardClaims | null,
  changes: StandardClaimsDto,
): StandardClaims | null {
  const merged: Record<string, unknown> = { ...current };
  for (const field of STANDARD_CLAIM_FIELDS) {
    const value = changes[field];
    if (value === null) {
      delete merged[field];
    } else if (value !== undefined) {
      merged[field] = value;
    }
  }
  return Object.keys(merged).length > 0 ? merged : null;
}

export class CreateUserDto extends StandardClaimsDto {
  @ApiProperty({ example: 'alice', description: 'Case-insensitive; stored lower-cased' })
  @Transform(lowerCase)
  @Matches(USERNAME_PATTERN, {
    message:
      'username must be 3 to 64 characters: letters, digits and . _ @ + -, starting with a letter or digit',
  })
  @IsString()
  username!: string;

  @ApiProperty({ writeOnly: true, minLength: 8, maxLength: 1024 })
  @IsString()
  password!: string;

  @ApiPropertyOptional({ example: 'alice@example.com', nullable: true })
  @IsOptional()
  @MaxLength(254)
  @IsEmail()
  email?: string | null;

  @ApiPropertyOptional({ example: 'Alice Liddell', nullable: true })
  @IsOptional()
  @Length(1, 200)
  @IsString()
  name?: string | null;

  @ApiPropertyOptional({ enum: USER_ROLES, default: 'user' })
  @OptionalNonNull()
  @IsIn(USER_ROLES)
  role?: UserRole;

  @ApiPropertyOptional({ default: true })
  @OptionalNonNull()
  @IsBoolean()
  enabled?: boolean;
}

// Every field optional; `null` is refused except for the nullable email and name.
export class UpdateUserDto extends PartialType(CreateUserDto, { skipNullProperties: false }) {}

export class UserResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ enum: USER_ROLES }) role!: UserRole;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() created_at!: string;

  // The user's standard claims that are set (OpenID Connect Core §5.1).
  static from(user: User): UserResponseDto & StandardClaims {
    return {
      ...user.standardClaims,
      id: user.id,
      username: user.username,
      email: user.email,
      name: user.name,
      role: user.role,
      enabled: user.enabled,
      created_at: user.createdAt.toISOString(),
    };
  }
}
