import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ClientsModule } from '../clients/clients.module';
import { ConsentsModule } from '../consents/consents.module';
import { PageHeadersMiddleware } from '../pages/page-headers.middleware';
import { PagesModule } from '../pages/pages.module';
import { TokensModule } from '../tokens/tokens.module';
import { ConnectedAppsApiController } from './connected-apps-api.controller';
import { ConnectedAppsPagesController } from './connected-apps-pages.controller';
import { ConnectedAppsService } from './connected-apps.service';
import { HomeController } from './home.controller';

// A user's own account: connected apps (/account/apps, hosted pages on the login session) and the
// same as JSON (/api/account/apps, scope `account`). It sits above tokens: revoking access
// revokes the client's tokens.
@Module({
  imports: [ClientsModule, ConsentsModule, PagesModule, TokensModule, AuditModule],
  controllers: [HomeController, ConnectedAppsPagesController, ConnectedAppsApiController],
  providers: [ConnectedAppsService],
})
export class AccountModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(PageHeadersMiddleware)
      .forRoutes({ path: '/', method: RequestMethod.GET }, 'account/*path');
  }
}
