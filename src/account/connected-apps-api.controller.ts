import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { Consent } from '../consents/consent.entity';
import { Principal, Scopes, TokenPrincipal } from '../common/access';
import { Actor, RequestActor } from '../common/actor';
import { ConnectedAppsService } from './connected-apps.service';

export class ConnectedAppResponseDto {
  @ApiProperty() client_id!: string;
  @ApiProperty() client_name!: string;
  @ApiProperty({ nullable: true }) client_uri!: string | null;
  @ApiProperty({ description: 'The scopes the user approved' }) scope!: string;
  @ApiProperty({ description: 'When the user first approved it' }) created_at!: string;
  @ApiProperty({ description: 'When the user last approved it' }) updated_at!: string;

  static from(consent: Consent): ConnectedAppResponseDto {
    return {
      client_id: consent.clientId,
      client_name: consent.client?.clientName ?? consent.clientId,
      client_uri: consent.client?.clientUri ?? null,
      scope: consent.scope,
      created_at: consent.createdAt.toISOString(),
      updated_at: consent.updatedAt.toISOString(),
    };
  }
}

// Connected apps as JSON, for an access token with scope `account`.
@ApiTags('account: connected apps')
@Scopes('account')
@Controller('api/account/apps')
export class ConnectedAppsApiController {
  constructor(private readonly connectedApps: ConnectedAppsService) {}

  @Get()
  @ApiOkResponse({ type: [ConnectedAppResponseDto] })
  async list(@Principal() principal: TokenPrincipal): Promise<ConnectedAppResponseDto[]> {
    return (await this.connectedApps.list(principal.user.id)).map((consent) =>
      ConnectedAppResponseDto.from(consent),
    );
  }

  // Revoke access: the consent, and every code and token of this user for the client.
  @Delete(':clientId')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async revoke(
    @Principal() principal: TokenPrincipal,
    @Param('clientId') clientId: string,
    @RequestActor() actor: Actor,
  ): Promise<void> {
    await this.connectedApps.revoke(principal.user.id, clientId, actor);
  }
}
