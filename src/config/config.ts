import { ConfigModule } from '@nestjs/config';
import { validateEnv } from './env.validation';

// Read it as `ConfigService<Env, true>`: `config.get('ACCESS_TOKEN_TTL', { infer: true })` is typed.
// The environment is read and validated once, when the app (or CLI) is created; a bad value stops
// the start with a message naming the variable. skipProcessEnv makes ConfigService answer only from
// the validated, typed values, never the raw strings.
export const appConfigModule = ConfigModule.forRoot({
  isGlobal: true,
  ignoreEnvFile: true,
  skipProcessEnv: true,
  load: [() => validateEnv(process.env)],
});
