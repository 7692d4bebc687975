import type { HttpRequest, HttpResponse } from './http';

// Answers a failure on a route that renders its errors as pages (the authorization endpoint and
// the hosted pages). Provided by the pages module; the global errors filter hands page failures
// to it.
export abstract class PageErrorRenderer {
  abstract render(exception: unknown, request: HttpRequest, response: HttpResponse): void;
}
