import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ResourceServerOptions } from './options';
import { RESOURCE_SERVER_OPTIONS, ResourceServerGuard } from './resource-server.guard';

@Module({})
export class ResourceServerModule {
  // Registers ResourceServerGuard globally: every route needs a token unless marked @Public().
  static forRoot(options: ResourceServerOptions): DynamicModule {
    return {
      module: ResourceServerModule,
      providers: [
        { provide: RESOURCE_SERVER_OPTIONS, useValue: options },
        { provide: APP_GUARD, useClass: ResourceServerGuard },
      ],
    };
  }
}
