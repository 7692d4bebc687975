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
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '../common/access';
import { PaginationQueryDto } from '../common/pagination.dto';
import { adminValidationPipe } from '../common/validation';
import { CreateUserDto, UpdateUserDto, UserResponseDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('admin: users')
@AdminOnly()
@UsePipes(adminValidationPipe)
@Controller('admin/users')
export class UsersController {
  constructor(private readonly usersService: UsersService) {}

  @Post()
  @ApiCreatedResponse({ type: UserResponseDto })
  async create(@Body() body: CreateUserDto): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.usersService.create(body));
  }

  @Get()
  @ApiOkResponse({ type: [UserResponseDto] })
  async list(@Query() page: PaginationQueryDto): Promise<UserResponseDto[]> {
    return (await this.usersService.list(page)).map((user) => UserResponseDto.from(user));
  }

  @Get(':id')
  @ApiOkResponse({ type: UserResponseDto })
  @ApiNotFoundResponse()
  async get(@Param('id') id: string): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.usersService.get(id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserResponseDto })
  @ApiNotFoundResponse()
  async update(@Param('id') id: string, @Body() body: UpdateUserDto): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.usersService.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; empty body' })
  @ApiNotFoundResponse({ type: AdminErrorBody })
  async remove(@Param('id') id: string): Promise<void> {
    await this.usersService.remove(id);
  }
}
