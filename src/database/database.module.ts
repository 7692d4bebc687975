import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Env } from '../config/env.validation';
import { buildDataSourceOptions, newDataSource } from './data-source';
import { HealthController } from './health.controller';
import { runPendingMigrations } from './migrations-runner';
import { RetentionService } from './retention.service';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Env, true>) => ({
        ...buildDataSourceOptions(config.get('DATABASE', { infer: true })),
        autoLoadEntities: true,
        // At boot, wait a little for a database that is still starting, then give up loudly.
        retryAttempts: 5,
        retryDelay: 2000,
      }),
      // Migrations are applied on start, before any request is served.
      dataSourceFactory: async (options) => {
        const dataSource = await newDataSource(options!).initialize();
        await runPendingMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
  controllers: [HealthController],
  providers: [RetentionService],
})
export class DatabaseModule {}
