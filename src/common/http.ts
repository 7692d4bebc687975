import encodeUrl from 'encodeurl';
import type { FastifyReply, FastifyRequest } from 'fastify';

// Portcullis serves HTTP with NestJS's Fastify adapter; routes, guards and filters that need the
// request or the reply itself use these types.
export type HttpRequest = FastifyRequest;
export type HttpResponse = FastifyReply;

// Whether the body is declared as an HTML form (`application/x-www-form-urlencoded`, with any
// parameters such as a charset).
export function isFormBody(request: HttpRequest): boolean {
  const type = request.headers['content-type'];
  return (
    type !== undefined &&
    type.split(';', 1)[0].trim().toLowerCase() === 'application/x-www-form-urlencoded'
  );
}

// 303 See Other to `location`, without a body. Characters a URL may not hold (a registered redirect
// URI may contain any) are percent-encoded, as browsers would, and existing escapes are kept: a
// header cannot carry them raw.
export function seeOther(response: HttpResponse, location: string): void {
  response.status(303).header('Location', encodeUrl(location)).send();
}
