import { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Env } from './env.validation';

// Read it as `ConfigService<Env, true>`: `config.get('ACCESS_TOKEN_TTL', { infer: true })` is typed.
// The entry point validates the environment once, before Nest starts (so a bad value stops the
// start with one clear message), and hands the typed result here. skipProcessEnv makes
// ConfigService answer only from those validated values, never the raw strings.
export function appConfigModule(env: Env): Promise<DynamicModule> {
  return ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    skipProcessEnv: true,
    load: [() => env],
  });
}
