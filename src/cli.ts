import 'reflect-metadata';
import { HttpException, INestApplicationContext, NotFoundException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs, ParseArgsConfig } from 'node:util';
import { AppModule } from './app.module';
import { apiBodyFromFlags } from './apis/api-cli-input';
import { ApisService } from './apis/apis.service';
import { ApiResponseDto, CreateApiDto } from './apis/dto/api.dto';
import { PaginationQueryDto } from './common/pagination.dto';
import { ClientsService } from './clients/clients.service';
import {
  ClientResponseDto,
  CreateClientDto,
  ListClientsQueryDto,
  RejectClientDto,
  ReviewClientDto,
  UpdateClientDto,
} from './clients/dto/client.dto';
import { CLI_ACTOR } from './common/actor';
import { AppReviewService } from './developer/app-review.service';
import { validateInput, ValidationFailedException } from './common/validation';
import { Env, InvalidEnvironmentError } from './config/env.validation';
import { ConfigService } from '@nestjs/config';
import { loadDevelopmentSecrets } from './config/development-secrets';
import { loadEnvFile } from './config/load-env-file';
import { CreateUserDto, UpdateUserDto, UserResponseDto } from './users/dto/user.dto';
import { UsersService } from './users/users.service';
import { SigningKey } from './tokens/signing-keys/signing-key.entity';
import { SigningKeysService } from './tokens/signing-keys/signing-keys.service';
import { isSigningAlgorithm, SIGNING_ALGORITHMS } from './tokens/signing-keys/signing-rules';

// Operator commands, run through the same Nest modules, services and validation as the admin API.
// Usage: npm run cli -- <command> [--flag value ...]; output is JSON on stdout.

type Options = ParseArgsConfig['options'];
type Command = {
  summary: string;
  options: Options;
  run: (app: INestApplicationContext, values: Record<string, unknown>) => Promise<unknown>;
};

const single = { type: 'string' } as const;
const multiple = { type: 'string', multiple: true } as const;

// The client metadata flags of clients:create and clients:update (the admin API's field names).
const CLIENT_OPTIONS = {
  client_name: single,
  redirect_uris: multiple,
  grant_types: multiple,
  scope: single,
  token_endpoint_auth_method: single,
  access_token_format: single,
  allowed_origins: multiple,
  require_pkce: single,
  skip_consent: single,
  introspection_allowed: single,
  enabled: single,
  id_token_signed_response_alg: single,
  post_logout_redirect_uris: multiple,
  backchannel_logout_uri: single,
  backchannel_logout_session_required: single,
  jwks_uri: single,
  jwks: single,
} satisfies Options;

const commands: Record<string, Command> = {
  'users:create': {
    summary: 'users:create --username NAME --password PASS|- [--email E] [--name N] [--admin]',
    options: {
      username: single,
      password: single,
      email: single,
      name: single,
      admin: { type: 'boolean' },
    },
    run: async (app, { admin, password, ...values }) => {
      const body = await validateInput(CreateUserDto, {
        ...values,
        password: password === '-' ? await readPasswordFromStdin() : password,
        role: admin ? 'admin' : 'user',
      });
      return UserResponseDto.from(await app.get(UsersService).create(body));
    },
  },
  'users:list': {
    summary: 'users:list [--limit N] [--offset N]   (oldest first; limit 1..500, default 100)',
    options: { limit: single, offset: single },
    run: async (app, values) => {
      const page = await validateInput(PaginationQueryDto, values, 'query');
      return (await app.get(UsersService).list(page)).map((user) => UserResponseDto.from(user));
    },
  },
  'users:disable': {
    summary:
      'users:disable --username NAME   (ends their sessions and revokes their tokens; users:enable undoes only the flag)',
    options: { username: single },
    run: async (app, values) => {
      const users = app.get(UsersService);
      const user = await findUserByName(users, values);
      return UserResponseDto.from(await users.update(user.id, { enabled: false }));
    },
  },
  'users:enable': {
    summary: 'users:enable --username NAME',
    options: { username: single },
    run: async (app, values) => {
      const users = app.get(UsersService);
      const user = await findUserByName(users, values);
      return UserResponseDto.from(await users.update(user.id, { enabled: true }));
    },
  },
  'users:set-password': {
    summary:
      'users:set-password --username NAME --password PASS|-   (ends their sessions and revokes their tokens)',
    options: { username: single, password: single },
    run: async (app, { password, ...values }) => {
      const users = app.get(UsersService);
      const user = await findUserByName(users, values);
      const body = await validateInput(UpdateUserDto, {
        password: password === '-' ? await readPasswordFromStdin() : password,
      });
      if (body.password === undefined) {
        throw new ValidationFailedException({ password: ['is required'] });
      }
      return UserResponseDto.from(await users.update(user.id, { password: body.password }));
    },
  },
  'clients:create': {
    summary:
      'clients:create --client_name NAME [--redirect_uris URI]... [--grant_types G]... [--scope S]\n' +
      '      [--token_endpoint_auth_method M] [--access_token_format opaque|jwt] [--allowed_origins O]...\n' +
      '      [--require_pkce true|false] [--skip_consent true|false] [--introspection_allowed true|false]\n' +
      '      [--enabled true|false] [--id_token_signed_response_alg RS256|ES256]\n' +
      '      [--post_logout_redirect_uris URI]... [--backchannel_logout_uri URI]\n' +
      '      [--backchannel_logout_session_required true|false]\n' +
      '      PKCE (S256) is required by default, confidential clients included; --require_pkce false\n' +
      '      registers a legacy server app that cannot send a code_challenge (docs/authorization.md).\n' +
      '      [--jwks_uri URI | --jwks JSON]   (private_key_jwt)',
    options: CLIENT_OPTIONS,
    run: async (app, values) => {
      const body = await validateInput(CreateClientDto, parseJwks(parseBooleans(values)));
      const { client, secret } = await app.get(ClientsService).create(body, CLI_ACTOR);
      if (secret) {
        process.stderr.write('Store client_secret now: it is shown only this once.\n');
      }
      return ClientResponseDto.from(client, secret);
    },
  },
  'clients:update': {
    summary:
      'clients:update --client_id ID [any clients:create flag]   (only the flags given change; a list flag replaces the list)',
    options: { client_id: single, ...CLIENT_OPTIONS },
    run: async (app, { client_id: clientId, ...values }) => {
      const id = requiredString({ client_id: clientId }, 'client_id');
      const body = await validateInput(UpdateClientDto, parseBooleans(values));
      return ClientResponseDto.from(await app.get(ClientsService).update(id, body, CLI_ACTOR));
    },
  },
  'clients:delete': {
    summary: 'clients:delete --client_id ID   (revokes everything it was given)',
    options: { client_id: single },
    run: async (app, values) => {
      const clientId = requiredString(values, 'client_id');
      await app.get(ClientsService).remove(clientId, CLI_ACTOR);
      return { deleted: clientId };
    },
  },
  'clients:list': {
    summary: 'clients:list [--status pending|approved|rejected]',
    options: { status: single },
    run: async (app, values) => {
      const query = await validateInput(ListClientsQueryDto, { ...values, limit: 500 }, 'query');
      const clients = await app.get(ClientsService).list(query);
      return clients.map((client) => ClientResponseDto.from(client));
    },
  },
  'clients:approve': {
    summary:
      'clients:approve --client_id ID [--review_version N]   (default: the current version, printed)',
    options: { client_id: single, review_version: single },
    run: async (app, values) => {
      const clientId = requiredString(values, 'client_id');
      const version = await reviewVersionOf(app, clientId, values.review_version);
      return ClientResponseDto.from(
        await app.get(AppReviewService).decide(clientId, 'approve', CLI_ACTOR, version),
      );
    },
  },
  'clients:reject': {
    summary:
      'clients:reject --client_id ID --reason TEXT [--review_version N]   (the owner sees the reason)',
    options: { client_id: single, reason: single, review_version: single },
    run: async (app, { client_id: clientId, review_version: given, ...values }) => {
      const id = requiredString({ client_id: clientId }, 'client_id');
      const version = await reviewVersionOf(app, id, given);
      const { reason } = await validateInput(RejectClientDto, {
        ...values,
        review_version: version,
      });
      return ClientResponseDto.from(
        await app.get(AppReviewService).decide(id, 'reject', CLI_ACTOR, version, reason),
      );
    },
  },
  'apis:create': {
    summary:
      'apis:create --identifier URI --name NAME [--scope VALUE=DESCRIPTION]...\n' +
      '      [--access_token_format jwt|opaque] [--access_token_ttl SECONDS]',
    options: {
      identifier: single,
      name: single,
      scope: multiple,
      access_token_format: single,
      access_token_ttl: single,
    },
    run: async (app, values) => {
      const body = await validateInput(CreateApiDto, apiBodyFromFlags(values));
      return ApiResponseDto.from(await app.get(ApisService).create(body));
    },
  },
  'apis:list': {
    summary: 'apis:list',
    options: {},
    run: async (app) => {
      const query = await validateInput(PaginationQueryDto, { limit: 500 }, 'query');
      return (await app.get(ApisService).list(query)).map((api) => ApiResponseDto.from(api));
    },
  },
  'keys:rotate': {
    summary:
      'keys:rotate [--alg ES256|RS256] [--new-secret]   (default alg: that of the active key)',
    options: { alg: single, 'new-secret': { type: 'boolean' } },
    run: async (app, values) => {
      const alg = values.alg;
      if (alg !== undefined && !isSigningAlgorithm(alg)) {
        throw new ValidationFailedException({
          alg: [`must be one of ${SIGNING_ALGORITHMS.join(', ')}`],
        });
      }
      const keys = app.get(SigningKeysService);
      await assertServersCanOpenNewKeys(app, keys, values['new-secret'] === true);
      const { activated, retiring } = await keys.rotate(alg);
      return {
        active: describeKey(keys, activated),
        retiring: retiring.map((key) => describeKey(keys, key)),
      };
    },
  },
  'keys:list': {
    summary: 'keys:list',
    options: {},
    run: async (app) => {
      const keys = app.get(SigningKeysService);
      return (await keys.list()).map((key) => describeKey(keys, key));
    },
  },
};

// A new key is sealed with this command's SIGNING_KEYS_SECRET and signs at once, so it must be
// the servers' secret: one generated for this command never is, and one that does not open the
// active key is a different secret unless the operator says the servers have moved to it.
async function assertServersCanOpenNewKeys(
  app: INestApplicationContext,
  keys: SigningKeysService,
  newSecret: boolean,
): Promise<void> {
  const config = app.get<ConfigService<Env, true>>(ConfigService);
  if (config.get('GENERATED_SECRETS', { infer: true }).includes('SIGNING_KEYS_SECRET')) {
    throw new InvalidEnvironmentError([
      "SIGNING_KEYS_SECRET: must be set to the servers' secret (a key sealed with a generated one could not be used)",
    ]);
  }
  if (!newSecret && !(await keys.activeKeyOpens())) {
    throw new InvalidEnvironmentError([
      'SIGNING_KEYS_SECRET: does not open the active signing key; if the servers now use this secret, pass --new-secret',
    ]);
  }
}

// What an operator sees of a signing key; never its private half.
function describeKey(keys: SigningKeysService, key: SigningKey) {
  return {
    kid: key.kid,
    alg: key.alg,
    status: keys.statusOf(key),
    created_at: key.createdAt.toISOString(),
    deactivated_at: key.deactivatedAt?.toISOString() ?? null,
    publish_until: key.publishUntil?.toISOString() ?? null,
  };
}

async function findUserByName(users: UsersService, values: Record<string, unknown>) {
  const username = requiredString(values, 'username');
  const user = await users.findByUsername(username);
  if (!user) {
    throw new NotFoundException(`no user named ${username}`);
  }
  return user;
}

// The version an operator at the terminal decides on: the one given, else the current one (which
// the printed client shows as review_version).
async function reviewVersionOf(
  app: INestApplicationContext,
  clientId: string,
  given: unknown,
): Promise<number> {
  if (given === undefined) {
    return (await app.get(ClientsService).get(clientId)).reviewVersion;
  }
  const version =
    typeof given === 'string' && /^[1-9][0-9]{0,9}$/.test(given) ? Number(given) : NaN;
  return (await validateInput(ReviewClientDto, { review_version: version })).review_version;
}

function requiredString(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') {
    throw new ValidationFailedException({ [name]: ['is required'] });
  }
  return value;
}

const BOOLEAN_FLAGS = [
  'require_pkce',
  'skip_consent',
  'introspection_allowed',
  'enabled',
  'backchannel_logout_session_required',
];

// `--require_pkce false` arrives as the string "false"; anything but true/false is left for the
// validator to refuse.
function parseBooleans(values: Record<string, unknown>): Record<string, unknown> {
  const parsed = { ...values };
  for (const flag of BOOLEAN_FLAGS) {
    if (parsed[flag] === 'true' || parsed[flag] === 'false') {
      parsed[flag] = parsed[flag] === 'true';
    }
  }
  return parsed;
}

// `--jwks '{"keys": [...]}'`: JSON, or left as a string for the validator to refuse.
function parseJwks(values: Record<string, unknown>): Record<string, unknown> {
  if (typeof values.jwks !== 'string') {
    return values;
  }
  try {
    return { ...values, jwks: JSON.parse(values.jwks) as unknown };
  } catch {
    return values;
  }
}

async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function usage(): string {
  return `Usage: npm run cli -- <command> [--help]\n\n${Object.values(commands)
    .map((command) => `  ${command.summary}`)
    .join('\n')}\n`;
}

const HELP = { type: 'boolean', short: 'h' } as const;

function describeFailure(error: unknown): string {
  if (error instanceof ValidationFailedException) {
    return Object.entries(error.fields)
      .map(([field, problems]) => `${field}: ${problems.join('; ')}`)
      .join('\n');
  }
  if (error instanceof HttpException || error instanceof InvalidEnvironmentError) {
    return error.message;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

// Exit codes: 0 done (or help asked for), 1 the command failed, 2 the command line is wrong.
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const command = name === undefined ? undefined : commands[name];
  if (!command) {
    process.stderr.write(name === undefined ? usage() : `Unknown command: ${name}\n\n${usage()}`);
    return 2;
  }
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { ...command.options, help: HELP },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n  ${command.summary}\n`);
    return 2;
  }
  const { help, ...commandValues } = values;
  if (help) {
    process.stdout.write(`Usage: npm run cli -- ${command.summary}\n`);
    return 0;
  }
  loadEnvFile();
  loadDevelopmentSecrets();
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ logTo: 'stderr' }), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  try {
    const output = await command.run(app, commandValues);
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${describeFailure(error)}\n`);
    process.exit(1);
  },
);
