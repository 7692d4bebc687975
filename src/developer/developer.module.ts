import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AuthorizationModule } from '../authorization/authorization.module';
import { PageHeadersMiddleware } from '../authorization/page-headers.middleware';
import { ClientsModule } from '../clients/clients.module';
import { DeveloperAppsApiController } from './developer-apps-api.controller';
import { DeveloperAppsService } from './developer-apps.service';
import { DeveloperPagesController } from './developer-pages.controller';

// Self-service registration: the developer portal (/developer/apps, hosted pages on the login
// session) and the same as JSON (/api/developer/apps, scope `developer`).
@Module({
  imports: [ClientsModule, AuthorizationModule],
  controllers: [DeveloperPagesController, DeveloperAppsApiController],
  providers: [DeveloperAppsService],
})
export class DeveloperModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PageHeadersMiddleware).forRoutes('developer/*path');
  }
}
