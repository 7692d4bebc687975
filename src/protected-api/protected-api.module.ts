import { Module } from '@nestjs/common';
import { ProtectedApiController } from './protected-api.controller';

// REST routes for clients holding an access token. The global AccessGuard (tokens module) checks
// the token and the scopes each route declares with @Scopes().
@Module({ controllers: [ProtectedApiController] })
export class ProtectedApiModule {}
