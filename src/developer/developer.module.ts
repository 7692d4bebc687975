import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { ConsentsModule } from '../consents/consents.module';
import { PageHeadersMiddleware } from '../pages/page-headers.middleware';
import { PagesModule } from '../pages/pages.module';
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
  imports: [ClientsModule, ConsentsModule, PagesModule, TokensModule],
  controllers: [DeveloperPagesController, DeveloperAppsApiController, AppReviewController],
  providers: [DeveloperAppsService, AppReviewService],
  exports: [AppReviewService],
})
export class DeveloperModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PageHeadersMiddleware).forRoutes('developer/*path');
  }
}
