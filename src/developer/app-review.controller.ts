import { Body, Controller, HttpCode, Param, Post, UsePipes } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ClientResponseDto, RejectClientDto, ReviewClientDto } from '../clients/dto/client.dto';
import { AdminOnly } from '../common/access';
import { Actor, RequestActor } from '../common/actor';
import { adminValidationPipe } from '../common/validation';
import { AppReviewService } from './app-review.service';

@ApiTags('admin: clients')
@AdminOnly()
@UsePipes(adminValidationPipe)
@Controller('admin/clients')
export class AppReviewController {
  constructor(private readonly review: AppReviewService) {}

  // A developer's pending (or rejected) application, as it was at review_version, may then be
  // used at the OAuth endpoints.
  @Post(':id/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: ClientResponseDto })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Already approved, or changed since review_version' })
  async approve(
    @Param('id') id: string,
    @Body() body: ReviewClientDto,
    @RequestActor() actor: Actor,
  ): Promise<ClientResponseDto> {
    return ClientResponseDto.from(
      await this.review.decide(id, 'approve', actor, body.review_version),
    );
  }

  // Refuses a pending application, or withdraws an approved one (revoking what it was given); the
  // owner sees the reason.
  @Post(':id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: ClientResponseDto })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Already rejected, or changed since review_version' })
  async reject(
    @Param('id') id: string,
    @Body() body: RejectClientDto,
    @RequestActor() actor: Actor,
  ): Promise<ClientResponseDto> {
    return ClientResponseDto.from(
      await this.review.decide(id, 'reject', actor, body.review_version, body.reason),
    );
  }
}
