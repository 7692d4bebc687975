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

// 303 See Other to `location`, without a body.
export function seeOther(response: HttpResponse, location: string): void {
  response.status(303).header('Location', location).send();
}

// The path of the request, without its query.
export function requestPath(request: HttpRequest): string {
  const query = request.url.indexOf('?');
  return query === -1 ? request.url : request.url.slice(0, query);
}
