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
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/access';
import { PaginationQueryDto } from '../common/pagination.dto';
import { adminValidationPipe } from '../common/validation';
import { ClientsService } from './clients.service';
import { ClientResponseDto, CreateClientDto, UpdateClientDto } from './dto/client.dto';

@ApiTags('admin: clients')
@AdminOnly()
@UsePipes(adminValidationPipe)
@Controller('admin/clients')
export class ClientsController {
  constructor(private readonly clientsService: ClientsService) {}

  @Post()
  @ApiCreatedResponse({
    type: ClientResponseDto,
    description: 'Includes client_secret, shown once',
  })
  async create(@Body() body: CreateClientDto): Promise<ClientResponseDto> {
    const { client, secret } = await this.clientsService.create(body);
    return ClientResponseDto.from(client, secret);
  }

  @Get()
  @ApiOkResponse({ type: [ClientResponseDto] })
  async list(@Query() page: PaginationQueryDto): Promise<ClientResponseDto[]> {
    return (await this.clientsService.list(page)).map((client) => ClientResponseDto.from(client));
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
  async update(@Param('id') id: string, @Body() body: UpdateClientDto): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clientsService.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNotFoundResponse()
  async remove(@Param('id') id: string): Promise<void> {
    await this.clientsService.remove(id);
  }

  @Post(':id/secret')
  @HttpCode(200)
  @ApiOkResponse({
    type: ClientResponseDto,
    description: 'Includes the new client_secret, shown once',
  })
  @ApiNotFoundResponse()
  async rotateSecret(@Param('id') id: string): Promise<ClientResponseDto> {
    const { client, secret } = await this.clientsService.rotateSecret(id);
    return ClientResponseDto.from(client, secret);
  }
}
