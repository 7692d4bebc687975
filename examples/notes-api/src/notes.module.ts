import { Module, type DynamicModule } from '@nestjs/common';
import { ResourceServerModule, type ResourceServerOptions } from '@portcullis/nest-resource-server';
import { NotesController } from './notes.controller';

// The whole app, configured by its caller: main.ts from the environment, the e2e test in-process.
@Module({})
export class NotesAppModule {
  static forRoot(options: ResourceServerOptions): DynamicModule {
    return {
      module: NotesAppModule,
      imports: [ResourceServerModule.forRoot(options)],
      controllers: [NotesController],
    };
  }
}
