import { Controller, Get, Query, UsePipes } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/access';
import { PaginationQueryDto } from '../common/pagination.dto';
import { adminValidationPipe } from '../common/validation';
import { BackchannelLogout } from './backchannel-logout.entity';
import { BackchannelLogoutService } from './backchannel-logout.service';

export type BackchannelLogoutView = {
  id: string;
  client_id: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
};

// Operators see the back-channel logout outbox: what was delivered, what is retried, what failed
// (never the logout tokens themselves).
@ApiTags('admin: back-channel logout')
@AdminOnly()
@UsePipes(adminValidationPipe)
@Controller('admin/backchannel-logouts')
export class BackchannelLogoutsController {
  constructor(private readonly logouts: BackchannelLogoutService) {}

  @Get()
  async list(@Query() query: PaginationQueryDto): Promise<BackchannelLogoutView[]> {
    return (await this.logouts.list(query.limit, query.offset)).map(viewOf);
  }
}

function viewOf(row: BackchannelLogout): BackchannelLogoutView {
  return {
    id: row.id,
    client_id: row.clientId,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.nextAttemptAt.toISOString(),
    last_error: row.lastError,
    created_at: row.createdAt.toISOString(),
    delivered_at: row.deliveredAt?.toISOString() ?? null,
  };
}
