import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AuthorizationModule } from '../authorization/authorization.module';
import { PageHeadersMiddleware } from '../authorization/page-headers.middleware';
import { ClientsModule } from '../clients/clients.module';
import { TokensModule } from '../tokens/tokens.module';
import { AppReviewController } from './app-review.controller';
import { AppReviewService } from './app-review.service';
import { DeveloperAppsApiController } from './developer-apps-api.controller';
import { DeveloperAppsService } from './developer-apps.service';
import { DeveloperPagesController } from './developer-pages.controller';

// Self-service registration: the developer portal (/developer/apps, hosted pages on the login
// session), the same as JSON (/api/developer/apps, scope `developer`), and operators' review
// (POST /admin/clients/:id/approve|reject). Above tokens: a rejection revokes the client's tokens.
@Module({
  imports: [ClientsModule, AuthorizationModule, TokensModule],
  controllers: [DeveloperPagesController, DeveloperAppsApiController, AppReviewController],
  providers: [DeveloperAppsService, AppReviewService],
  exports: [AppReviewService],
})
export class DeveloperModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PageHeadersMiddleware).forRoutes('developer/*path');
  }
}
