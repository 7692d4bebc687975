import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApisModule } from '../apis/apis.module';
import { AuditModule } from '../audit/audit.module';
import { ClientsModule } from '../clients/clients.module';
import { ConsentsModule } from '../consents/consents.module';
import { PageHeadersMiddleware } from '../pages/page-headers.middleware';
import { PagesModule } from '../pages/pages.module';
import { UsersModule } from '../users/users.module';
import { AuthorizationCode } from './authorization-code.entity';
import { AuthorizationCodesService } from './authorization-codes.service';
import { AuthorizationCodeStore } from './authorization-code.store';
import { AuthorizationService } from './authorization.service';
import { AuthorizeController } from './authorize.controller';
import { IdTokenHints } from './id-token-hints';
import { ConsentController } from './consent.controller';
import { LocalStrategy } from './local.strategy';
import { LoginController } from './login.controller';
import { LoginPage, LoginRejectedFilter } from './login-page';

const HOSTED_ROUTES = [
  { path: 'oauth/authorize', method: RequestMethod.ALL },
  { path: 'login', method: RequestMethod.ALL },
  { path: 'logout', method: RequestMethod.ALL },
  { path: 'consent', method: RequestMethod.ALL },
];

// The interactive half of the authorization code flow: the authorization endpoint (request
// validation in authorization-request.ts), hosted login (passport-local) and consent, built on the
// hosted-page shell (pages/). Exports the code store for the token endpoint.
@Module({
  imports: [
    TypeOrmModule.forFeature([AuthorizationCode]),
    PassportModule,
    PagesModule,
    UsersModule,
    ClientsModule,
    ConsentsModule,
    AuditModule,
    ApisModule,
  ],
  controllers: [AuthorizeController, LoginController, ConsentController],
  providers: [
    AuthorizationCodesService,
    AuthorizationCodeStore,
    AuthorizationService,
    LocalStrategy,
    LoginPage,
    LoginRejectedFilter,
    IdTokenHints,
  ],
  exports: [AuthorizationCodesService, IdTokenHints],
})
export class AuthorizationModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PageHeadersMiddleware).forRoutes(...HOSTED_ROUTES);
  }
}
