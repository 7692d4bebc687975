import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  UsePipes,
} from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ClientResponseDto } from '../clients/dto/client.dto';
import { Principal, Scopes, TokenPrincipal } from '../common/access';
import { ReturnsSecretOnce } from '../common/no-store';
import { Actor, RequestActor } from '../common/actor';
import { adminValidationPipe } from '../common/validation';
import { DeveloperAppsService } from './developer-apps.service';
import { RegisterAppDto, UpdateAppDto } from './dto/developer-app.dto';

// The developer portal as JSON, for an access token with scope `developer`: the token's user
// manages their own applications, exactly as on /developer/apps.
@ApiTags('developer: applications')
@Scopes('developer')
@UsePipes(adminValidationPipe)
@Controller('api/developer/apps')
export class DeveloperAppsApiController {
  constructor(private readonly apps: DeveloperAppsService) {}

  @Post()
  @ReturnsSecretOnce(201, ClientResponseDto, 'Includes client_secret, shown once')
  async register(
    @Principal() principal: TokenPrincipal,
    @Body() body: RegisterAppDto,
    @RequestActor() actor: Actor,
  ): Promise<ClientResponseDto> {
    const { client, secret } = await this.apps.register(principal.user.id, body, actor);
    return ClientResponseDto.from(client, secret);
  }

  @Get()
  @ApiOkResponse({ type: [ClientResponseDto] })
  async list(@Principal() principal: TokenPrincipal): Promise<ClientResponseDto[]> {
    return (await this.apps.list(principal.user.id)).map((app) => ClientResponseDto.from(app));
  }

  @Get(':id')
  @ApiOkResponse({ type: ClientResponseDto })
  @ApiNotFoundResponse()
  async get(
    @Principal() principal: TokenPrincipal,
    @Param('id') id: string,
  ): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.apps.get(principal.user.id, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: ClientResponseDto })
  @ApiNotFoundResponse()
  async update(
    @Principal() principal: TokenPrincipal,
    @Param('id') id: string,
    @Body() body: UpdateAppDto,
    @RequestActor() actor: Actor,
  ): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.apps.update(principal.user.id, id, body, actor));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNotFoundResponse()
  async remove(
    @Principal() principal: TokenPrincipal,
    @Param('id') id: string,
    @RequestActor() actor: Actor,
  ): Promise<void> {
    await this.apps.remove(principal.user.id, id, actor);
  }

  @Post(':id/secret')
  @ReturnsSecretOnce(200, ClientResponseDto, 'Includes the new client_secret, shown once')
  @ApiNotFoundResponse()
  async rotateSecret(
    @Principal() principal: TokenPrincipal,
    @Param('id') id: string,
    @RequestActor() actor: Actor,
  ): Promise<ClientResponseDto> {
    const { client, secret } = await this.apps.rotateSecret(principal.user.id, id, actor);
    return ClientResponseDto.from(client, secret);
  }
}
