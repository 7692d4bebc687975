import {
  BadRequestException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse as parseForm } from 'fast-querystring';
import type { FastifyRequest } from 'fastify';
import type { Server } from 'node:http';

// The largest request body read, whatever its type (the adapter's limit, app.setup.ts): every
// request Portcullis takes is small.
export const BODY_LIMIT_BYTES = 100 * 1024;
// The most fields a form may hold (413 beyond): no form of Portcullis has more than a handful.
const MAX_FORM_FIELDS = 1000;
// The deepest nesting of arrays and objects a JSON body may have (400 beyond): no body of
// Portcullis goes past 2, and validating a deep one recursively would overflow the stack.
const MAX_JSON_DEPTH = 32;

// How request bodies are read, in place of the adapter's defaults:
// - JSON and forms must be UTF-8 (the charset may be left out); another charset is 415; a body over
//   BODY_LIMIT_BYTES, or a form of more than MAX_FORM_FIELDS fields, is 413;
// - an empty JSON body is no body, as many HTTP clients send `Content-Type: application/json` on
//   every request; JSON naming __proto__ or constructor.prototype, or nested deeper than
//   MAX_JSON_DEPTH, is refused (400);
// - a form field given more than once is an array, and so is a bracketed name (`a[]=1`, `a[x]=1`
//   are `a` as a list): an OAuth parameter sent either way is refused as not a single value
//   (SECURITY.md), and no form field ever becomes an object;
// - a body of any other type is left unread, so the route answers as it would without one (with
//   its own error, such as invalid_request, rather than a bare 415).
export function useBodyParsers(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<Server>('application/json', {}, (request, body, done) => {
    if (!isUtf8(request)) {
      done(unsupportedCharset(), undefined);
    } else if (body.length === 0) {
      done(null, undefined);
    } else if (jsonDepth(body) > MAX_JSON_DEPTH) {
      done(
        new BadRequestException(`the JSON body is nested more than ${MAX_JSON_DEPTH} levels deep`),
        undefined,
      );
    } else {
      void parseJson(request, body.toString('utf8'), done);
    }
  });
  app.useBodyParser<Server>('application/x-www-form-urlencoded', {}, (request, body, done) => {
    if (!isUtf8(request)) {
      done(unsupportedCharset(), undefined);
      return;
    }
    const text = body.toString('utf8');
    if (fieldCount(text) > MAX_FORM_FIELDS) {
      done(
        new PayloadTooLargeException(`a form may hold at most ${MAX_FORM_FIELDS} fields`),
        undefined,
      );
    } else {
      done(null, parseFormFields(text));
    }
  });
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}

function parseFormFields(text: string): Record<string, unknown> {
  const fields = parseForm(text) as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    const bracket = key.indexOf('[');
    if (bracket > 0) {
      const name = key.slice(0, bracket);
      const list = asList(fields[name]);
      list.push(...asList(fields[key]));
      fields[name] = list;
      delete fields[key];
    }
  }
  return fields;
}

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

function fieldCount(text: string): number {
  let count = 1;
  for (let at = text.indexOf('&'); at !== -1; at = text.indexOf('&', at + 1)) {
    count++;
  }
  return count;
}

// The deepest nesting of brackets outside strings, read in one pass over the bytes (a malformed
// body gets its own error from the parser afterwards).
function jsonDepth(body: Buffer): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) {
        i++;
      } else if (byte === QUOTE) {
        inString = false;
      }
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      deepest = Math.max(deepest, ++depth);
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth--;
    }
  }
  return deepest;
}

const [QUOTE, BACKSLASH, OPEN_BRACKET, CLOSE_BRACKET, OPEN_BRACE, CLOSE_BRACE] = [
  0x22, 0x5c, 0x5b, 0x5d, 0x7b, 0x7d,
];

function isUtf8(request: FastifyRequest): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '');
  return charset === null || /^utf-?8$/i.test(charset[1]);
}

const unsupportedCharset = () => new UnsupportedMediaTypeException('the body must be UTF-8');
