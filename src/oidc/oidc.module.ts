import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthorizationModule } from '../authorization/authorization.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { DiscoveryController } from './discovery.controller';
import { IdTokensService } from './id-tokens.service';
import { OidcGrant } from './oidc-grant.entity';
import { OidcGrantsService } from './oidc-grants.service';
import { UserinfoController } from './userinfo.controller';
import { UserinfoService } from './userinfo.service';

// OpenID Connect on top of the OAuth server: discovery, ID tokens (plugged into the token
// endpoint's answers), userinfo. Nothing imports this module.
@Module({
  imports: [TypeOrmModule.forFeature([OidcGrant]), AuthorizationModule, TokensModule, UsersModule],
  controllers: [DiscoveryController, UserinfoController],
  providers: [OidcGrantsService, IdTokensService, UserinfoService],
})
export class OidcModule {}
