import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Api } from './api.entity';
import { ApisController } from './apis.controller';
import { ApisService } from './apis.service';

// APIs (resource servers) that tokens can be issued for (RFC 8707), managed at /admin/apis.
@Module({
  imports: [TypeOrmModule.forFeature([Api])],
  controllers: [ApisController],
  providers: [ApisService],
  exports: [ApisService],
})
export class ApisModule {}
