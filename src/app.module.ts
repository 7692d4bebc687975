import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccountModule } from './account/account.module';
import { ApisModule } from './apis/apis.module';
import { AuditModule } from './audit/audit.module';
import { AuthorizationModule } from './authorization/authorization.module';
import { ClientOriginsCorsMiddleware } from './clients/client-origins-cors.middleware';
import { ClientsModule } from './clients/clients.module';
import { ConsentsModule } from './consents/consents.module';
import { ErrorsFilter } from './common/errors.filter';
import { LoggingModule } from './common/logging.module';
import { appConfigModule } from './config/config';
import { Env, validateEnv } from './config/env.validation';
import { DatabaseModule } from './database/database.module';
import { DeveloperModule } from './developer/developer.module';
import { developerScopesProblem } from './developer/developer-scopes';
import { OidcModule } from './oidc/oidc.module';
import { PagesModule } from './pages/pages.module';
import { ProtectedApiModule } from './protected-api/protected-api.module';
import { AccessGuard } from './tokens/access.guard';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

export type AppModuleOptions = {
  // The CLI keeps stdout for its own output and logs to stderr.
  logTo?: 'stdout' | 'stderr';
  // Already validated (validateAppEnv) by an entry point that also needs it before Nest starts.
  env?: Env;
};

// The environment checked once, with the rules features add for their own variables.
export function validateAppEnv(raw: Record<string, unknown> = process.env): Env {
  return validateEnv(raw, { DEVELOPER_SCOPES: developerScopesProblem });
}

// Routes that browser apps call from their own origin (never /oauth/authorize or the pages).
const CORS_ROUTES = [
  '.well-known/oauth-authorization-server',
  '.well-known/openid-configuration',
  'oauth/jwks',
  'oauth/userinfo',
  'oauth/token',
  'oauth/revoke',
  'api/*path',
];

@Module({})
export class AppModule implements NestModule {
  // Validates the environment right away: an invalid value throws InvalidEnvironmentError here,
  // before any module starts, and the entry point prints its message.
  static forRoot({
    logTo = 'stdout',
    env = validateAppEnv(),
  }: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        appConfigModule(env),
        LoggingModule.forRoot(env.LOG_LEVEL, logTo === 'stdout' ? 1 : 2, [
          env.ADMIN_API_KEY,
          env.SESSION_SECRET,
          env.SIGNING_KEYS_SECRET,
        ]),
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
        OidcModule,
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
