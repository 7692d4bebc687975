import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { PageHeadersMiddleware } from '../pages/page-headers.middleware';
import { PagesModule } from '../pages/pages.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthorizationModule } from '../authorization/authorization.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { BackchannelLogout } from './backchannel-logout.entity';
import { BackchannelLogoutService } from './backchannel-logout.service';
import { BackchannelLogoutsController } from './backchannel-logouts.controller';
import { DiscoveryController } from './discovery.controller';
import { EndSessionController } from './end-session.controller';
import { EndSessionService } from './end-session.service';
import { IdTokensService } from './id-tokens.service';
import { OidcGrant } from './oidc-grant.entity';
import { OidcGrantsService } from './oidc-grants.service';
import { UserinfoController } from './userinfo.controller';
import { UserinfoService } from './userinfo.service';

// OpenID Connect on top of the OAuth server: discovery, ID tokens (plugged into the token
// endpoint's answers), userinfo, RP-initiated and back-channel logout. Nothing imports this module.
@Module({
  imports: [
    TypeOrmModule.forFeature([OidcGrant, BackchannelLogout]),
    AuthorizationModule,
    TokensModule,
    UsersModule,
    ClientsModule,
    PagesModule,
  ],
  controllers: [
    DiscoveryController,
    UserinfoController,
    EndSessionController,
    BackchannelLogoutsController,
  ],
  providers: [
    OidcGrantsService,
    IdTokensService,
    UserinfoService,
    EndSessionService,
    BackchannelLogoutService,
  ],
})
export class OidcModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(PageHeadersMiddleware)
      .forRoutes(
        { path: 'oauth/logout', method: RequestMethod.ALL },
        { path: 'oauth/logout/*path', method: RequestMethod.ALL },
      );
  }
}
