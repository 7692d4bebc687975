import { Controller, Get, Query, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/access';
import { adminValidationPipe } from '../common/validation';
import { AuditService } from './audit.service';
import { AuditEventResponseDto, AuditQueryDto } from './dto/audit.dto';

@ApiTags('admin: audit')
@AdminOnly()
@UsePipes(adminValidationPipe)
@Controller('admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: [AuditEventResponseDto] })
  async list(@Query() query: AuditQueryDto): Promise<AuditEventResponseDto[]> {
    return (await this.audit.list(query)).map((event) => AuditEventResponseDto.from(event));
  }
}
