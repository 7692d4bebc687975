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
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '../common/access';
import { PaginationQueryDto } from '../common/pagination.dto';
import { adminValidationPipe } from '../common/validation';
import { ApisService } from './apis.service';
import { ApiResponseDto, CreateApiDto, UpdateApiDto } from './dto/api.dto';

@ApiTags('admin: APIs')
@AdminOnly()
@UsePipes(adminValidationPipe)
@Controller('admin/apis')
export class ApisController {
  constructor(private readonly apis: ApisService) {}

  @Post()
  @ApiCreatedResponse({ type: ApiResponseDto })
  @ApiConflictResponse({ description: 'The identifier is already registered' })
  async create(@Body() body: CreateApiDto): Promise<ApiResponseDto> {
    return ApiResponseDto.from(await this.apis.create(body));
  }

  @Get()
  @ApiOkResponse({ type: [ApiResponseDto] })
  async list(@Query() query: PaginationQueryDto): Promise<ApiResponseDto[]> {
    return (await this.apis.list(query)).map((api) => ApiResponseDto.from(api));
  }

  @Get(':id')
  @ApiOkResponse({ type: ApiResponseDto })
  @ApiNotFoundResponse()
  async get(@Param('id') id: string): Promise<ApiResponseDto> {
    return ApiResponseDto.from(await this.apis.get(id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: ApiResponseDto })
  @ApiNotFoundResponse()
  async update(@Param('id') id: string, @Body() body: UpdateApiDto): Promise<ApiResponseDto> {
    return ApiResponseDto.from(await this.apis.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNotFoundResponse()
  async remove(@Param('id') id: string): Promise<void> {
    await this.apis.remove(id);
  }
}
