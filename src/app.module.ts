import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AccountModule } from './account/account.module';
import { ApisModule } from './apis/apis.module';
import { AuditModule } from './audit/audit.module';
import { AuthorizationModule } from './authorization/authorization.module';
import { ClientOriginsCorsMiddleware } from './clients/client-origins-cors.middleware';
import { ClientsModule } from './clients/clients.module';
import { ConsentsModule } from './consents/consents.module';
import { ErrorsFilter } from './common/errors.filter';
import { loggerParams } from './common/logger';
import { appConfigModule } from './config/config';
import { validateEnv } from './config/env.validation';
import { DatabaseModule } from './database/database.module';
import { DeveloperModule } from './developer/developer.module';
import { developerScopesProblem } from './developer/developer-scopes';
import { PagesModule } from './pages/pages.module';
import { ProtectedApiModule } from './protected-api/protected-api.module';
import { AccessGuard } from './tokens/access.guard';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

export type AppModuleOptions = {
  // The CLI keeps stdout for its own output and logs to stderr.
  logTo?: 'stdout' | 'stderr';
};

// Routes that browser apps call from their own origin (never /oauth/authorize or the pages).
const CORS_ROUTES = [
  '.well-known/oauth-authorization-server',
  'oauth/jwks',
  'oauth/token',
  'oauth/revoke',
  'api/*path',
];

@Module({})
export class AppModule implements NestModule {
  // Validates the environment right away: an invalid value throws InvalidEnvironmentError here,
  // before any module starts, and the entry point prints its message.
  static forRoot({ logTo = 'stdout' }: AppModuleOptions = {}): DynamicModule {
    const env = validateEnv(process.env, { DEVELOPER_SCOPES: developerScopesProblem });
    return {
      module: AppModule,
      imports: [
        appConfigModule(env),
        LoggerModule.forRoot(loggerParams(env.LOG_LEVEL, logTo === 'stdout' ? 1 : 2)),
        DatabaseModule,
        AuditModule,
        UsersModule,
        ClientsModule,
        ApisModule,
        ConsentsModule,
        PagesModule,
        AuthorizationModule,
        TokensModule,
        ProtectedApiModule,
        DeveloperModule,
        AccountModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ErrorsFilter },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ClientOriginsCorsMiddleware).forRoutes(...CORS_ROUTES);
  }
}
