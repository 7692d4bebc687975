// The framework's own ceiling: NestJS 11 with one route answering the fixed JSON body of
// bench/bare-server.mjs, and nothing else (no logger, guard or filter), on the adapter named by the
// first argument: `express` (Nest's default) or `fastify`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

const body = { sub: '00000000-0000-0000-0000-000000000000', username: 'bench' };

class MeController {
  me() {
    return body;
  }
}
// The decorators, applied as functions (this file is plain JavaScript).
Controller('api')(MeController);
Get('me')(
  MeController.prototype,
  'me',
  Object.getOwnPropertyDescriptor(MeController.prototype, 'me'),
);

class BenchModule {}
Module({ controllers: [MeController] })(BenchModule);

const port = Number(process.env.PORT);
const adapter =
  process.argv[2] === 'fastify'
    ? new (require('@nestjs/platform-fastify').FastifyAdapter)()
    : new (require('@nestjs/platform-express').ExpressAdapter)();
const app = await NestFactory.create(BenchModule, adapter, { logger: false });
await app.listen(port, '127.0.0.1');
process.stdout.write(`READY http://127.0.0.1:${port}\n`);
