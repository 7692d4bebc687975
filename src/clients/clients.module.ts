import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { Client } from './client.entity';
import { ClientsController } from './clients.controller';
import { ClientOrigins } from './client-origins.service';
import { ClientReviews } from './client-reviews.service';
import { ClientsService } from './clients.service';

@Module({
  imports: [TypeOrmModule.forFeature([Client]), AuditModule],
  controllers: [ClientsController],
  providers: [ClientsService, ClientReviews, ClientOrigins],
  exports: [ClientsService, ClientReviews, ClientOrigins],
})
export class ClientsModule {}
