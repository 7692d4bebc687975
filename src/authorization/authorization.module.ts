import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { ClientsModule } from '../clients/clients.module';
import { UsersModule } from '../users/users.module';
import { AuthorizationCode } from './authorization-code.entity';
import { AuthorizationCodesService } from './authorization-codes.service';
import { AuthorizationService } from './authorization.service';
import { AuthorizeController } from './authorize.controller';
import { Consent } from './consent.entity';
import { ConsentController } from './consent.controller';
import { ConsentsService } from './consents.service';
import { HostedPagesFilter } from './hosted-pages.filter';
import { LocalStrategy } from './local.strategy';
import { LoginController } from './login.controller';
import { LoginPage } from './login-page';
import { PageHeadersMiddleware } from './page-headers.middleware';
import { PagesService } from './pages.service';
import { Session } from './session.entity';
import { SessionCookie, SessionGuard } from './session.guard';
import { SessionService } from './session.service';
import { SignedInGuard } from './signed-in.guard';
import { StylesheetController } from './stylesheet.controller';

const HOSTED_ROUTES = [
  { path: 'oauth/authorize', method: RequestMethod.ALL },
  { path: 'login', method: RequestMethod.ALL },
  { path: 'logout', method: RequestMethod.ALL },
  { path: 'consent', method: RequestMethod.ALL },
];

// The interactive half of the authorization code flow: the authorization endpoint, hosted login
// (passport-local) and consent, on server-side sessions. Exports the code store for the token
// endpoint.
@Module({
  imports: [
    TypeOrmModule.forFeature([AuthorizationCode, Consent, Session]),
    PassportModule,
    UsersModule,
    ClientsModule,
    AuditModule,
  ],
  controllers: [AuthorizeController, LoginController, ConsentController, StylesheetController],
  providers: [
    AuthorizationCodesService,
    AuthorizationService,
    ConsentsService,
    HostedPagesFilter,
    LocalStrategy,
    LoginPage,
    PagesService,
    SessionCookie,
    SessionGuard,
    SessionService,
    SignedInGuard,
  ],
  // Besides the code store: remembered consent (for connected apps), and what the other hosted
  // pages (developer portal, connected apps) are built with: sessions, the signed-in guard, the
  // page renderer and the error filter.
  exports: [
    AuthorizationCodesService,
    ConsentsService,
    AuthorizationService,
    HostedPagesFilter,
    LoginPage,
    PagesService,
    SessionCookie,
    SessionService,
    SignedInGuard,
  ],
})
export class AuthorizationModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PageHeadersMiddleware).forRoutes(...HOSTED_ROUTES);
  }
}
