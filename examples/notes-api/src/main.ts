import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NotesAppModule } from './notes.module';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is required`);
  }
  return value;
}

async function main(): Promise<void> {
  const clientId = process.env.INTROSPECTION_CLIENT_ID;
  const clientSecret = process.env.INTROSPECTION_CLIENT_SECRET;
  const app = await NestFactory.create<NestFastifyApplication>(
    NotesAppModule.forRoot({
      issuer: required('PORTCULLIS_ISSUER'),
      audience: required('API_AUDIENCE'),
      // Without an introspection client only JWT access tokens are accepted.
      introspection: clientId && clientSecret ? { clientId, clientSecret } : undefined,
    }),
    new FastifyAdapter(),
  );
  const port = Number(process.env.PORT ?? 4000);
  await app.listen(port, '0.0.0.0');
  console.log(`notes-api listening on ${await app.getUrl()}`);
}

void main();
