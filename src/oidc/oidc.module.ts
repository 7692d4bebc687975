import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { PageHeadersMiddleware } from '../pages/page-headers.middleware';
import { PagesModule } from '../pages/pages.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthorizationModule } from '../authorization/authorization.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { DiscoveryController } from './discovery.controller';
import { EndSessionController } from './end-session.controller';
import { EndSessionService } from './end-session.service';
import { IdTokensService } from './id-tokens.service';
import { OidcGrant } from './oidc-grant.entity';
import { OidcGrantsService } from './oidc-grants.service';
import { UserinfoController } from './userinfo.controller';
import { UserinfoService } from './userinfo.service';

// OpenID Connect on top of the OAuth server: discovery, ID tokens (plugged into the token
// endpoint's answers), userinfo, RP-initiated logout. Nothing imports this module.
@Module({
  imports: [
    TypeOrmModule.forFeature([OidcGrant]),
    AuthorizationModule,
    TokensModule,
    UsersModule,
    ClientsModule,
    PagesModule,
  ],
  controllers: [DiscoveryController, UserinfoController, EndSessionController],
  providers: [OidcGrantsService, IdTokensService, UserinfoService, EndSessionService],
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
