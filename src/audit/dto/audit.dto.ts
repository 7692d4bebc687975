import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import type { ActorType } from '../../common/actor';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { AUDIT_EVENT_TYPES, AuditDetails, AuditEvent, AuditEventType } from '../audit-event.entity';

export class AuditQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'The user the event concerns, or who acted' })
  @IsOptional()
  @MaxLength(36)
  @IsString()
  user_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(64)
  @IsString()
  client_id?: string;

  @ApiPropertyOptional({ enum: AUDIT_EVENT_TYPES })
  @IsOptional()
  @IsIn(AUDIT_EVENT_TYPES)
  type?: AuditEventType;

  @ApiPropertyOptional({ description: 'ISO 8601; events at or after this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; events before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}

export class AuditEventResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: AUDIT_EVENT_TYPES }) type!: AuditEventType;
  @ApiProperty({ enum: ['user', 'admin_api_key', 'cli', 'client'] }) actor_type!: ActorType;
  @ApiProperty({ nullable: true }) actor_user_id!: string | null;
  @ApiProperty({ nullable: true }) user_id!: string | null;
  @ApiProperty({ nullable: true }) client_id!: string | null;
  @ApiProperty({ nullable: true }) ip!: string | null;
  @ApiProperty({ nullable: true, type: Object }) details!: AuditDetails | null;
  @ApiProperty() created_at!: string;

  static from(event: AuditEvent): AuditEventResponseDto {
    return {
      id: event.id,
      type: event.type,
      actor_type: event.actorType,
      actor_user_id: event.actorUserId,
      user_id: event.userId,
      client_id: event.clientId,
      ip: event.ip,
      details: event.details,
      created_at: event.createdAt.toISOString(),
    };
  }
}
