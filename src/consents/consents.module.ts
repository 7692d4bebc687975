import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { Consent } from './consent.entity';
import { ConsentsService } from './consents.service';

// Remembered consent, per user and client: asked for by the authorization flow, listed and taken
// back on the account pages, withdrawn when an operator rejects a client.
@Module({
  imports: [TypeOrmModule.forFeature([Consent]), AuditModule],
  providers: [ConsentsService],
  exports: [ConsentsService],
})
export class ConsentsModule {}
