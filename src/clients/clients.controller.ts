import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UsePipes,
} from '@nestjs/common';
import { AdminErrorBody } from '../common/openapi';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/access';
import { ReturnsSecretOnce } from '../common/no-store';
import { Actor, RequestActor } from '../common/actor';
import { adminValidationPipe } from '../common/validation';
import { ClientsService } from './clients.service';
import {
  ClientResponseDto,
  CreateClientDto,
  ListClientsQueryDto,
  UpdateClientDto,
} from './dto/client.dto';

@ApiTags('admin: clients')
@AdminOnly()
@UsePipes(adminValidationPipe)
@Controller('admin/clients')
export class ClientsController {
  constructor(private readonly clientsService: ClientsService) {}

  @Post()
  @ReturnsSecretOnce(201, ClientResponseDto, 'Includes client_secret, shown once')
  async create(
    @Body() body: CreateClientDto,
    @RequestActor() actor: Actor,
  ): Promise<ClientResponseDto> {
    const { client, secret } = await this.clientsService.create(body, actor);
    return ClientResponseDto.from(client, secret);
  }

  @Get()
  @ApiOkResponse({ type: [ClientResponseDto] })
  async list(@Query() query: ListClientsQueryDto): Promise<ClientResponseDto[]> {
    return (await this.clientsService.list(query)).map((client) => ClientResponseDto.from(client));
  }

  @Get(':id')
  @ApiOkResponse({ type: ClientResponseDto })
  @ApiNotFoundResponse()
  async get(@Param('id') id: string): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clientsService.get(id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: ClientResponseDto })
  @ApiNotFoundResponse()
  async update(
    @Param('id') id: string,
    @Body() body: UpdateClientDto,
    @RequestActor() actor: Actor,
  ): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clientsService.update(id, body, actor));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; empty body' })
  @ApiNotFoundResponse({ type: AdminErrorBody })
  async remove(@Param('id') id: string, @RequestActor() actor: Actor): Promise<void> {
    await this.clientsService.remove(id, actor);
  }

  @Post(':id/secret')
  @ReturnsSecretOnce(200, ClientResponseDto, 'Includes the new client_secret, shown once')
  @ApiNotFoundResponse()
  async rotateSecret(
    @Param('id') id: string,
    @RequestActor() actor: Actor,
  ): Promise<ClientResponseDto> {
    const { client, secret } = await this.clientsService.rotateSecret(id, actor);
    return ClientResponseDto.from(client, secret);
  }
}
