import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { USER_ROLES, User, UserRole } from '../user.entity';
import { normalizeUsername, USERNAME_PATTERN } from '../username';
import { OptionalNonNull } from '../../common/validation';

const lowerCase = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? normalizeUsername(value) : value;

export class CreateUserDto {
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

  static from(user: User): UserResponseDto {
    return {
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
