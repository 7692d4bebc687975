import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { ClientsModule } from './clients/clients.module';
import { AccessGuard } from './common/access.guard';
import { loggerParams } from './common/logger';
import { appConfigModule } from './config/config';
import { Env } from './config/env.validation';
import { DatabaseModule } from './database/database.module';
import { DatabaseUnavailableFilter } from './database/database-unavailable.filter';
import { UsersModule } from './users/users.module';

export type AppModuleOptions = {
  // The CLI keeps stdout for its own output and logs to stderr.
  logTo?: 'stdout' | 'stderr';
};

@Module({})
export class AppModule {
  static forRoot({ logTo = 'stdout' }: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        appConfigModule,
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<Env, true>) =>
            loggerParams(config.get('LOG_LEVEL', { infer: true }), logTo === 'stdout' ? 1 : 2),
        }),
        DatabaseModule,
        UsersModule,
        ClientsModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: DatabaseUnavailableFilter },
      ],
    };
  }
}
