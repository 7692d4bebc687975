import { ArgumentsHost, Catch, HttpException, Injectable, Optional } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { clientErrorStatus, classifyError } from './error-classification';
import { toWireError, WireError } from './error-response';
import { errorStyleOf } from './error-style';
import type { HttpRequest, HttpResponse } from './http';
import { PageErrorRenderer } from './page-error-renderer';

// The one filter: every failure goes out in the style its route declared (RendersErrors).
// - oauth: RFC 6749 §5.2 JSON for everything, unknown errors as server_error;
// - page: the pages module's renderer (a redirect to a verified redirect URI, or an error page);
// - any other route: RFC 6750 §3 for an OAuthError (the access check) and for a database outage or
//   an unexpected error; Nest's own answers for its HTTP exceptions (validation, not found,
//   conflict), which the admin API documents.
@Catch()
@Injectable()
export class ErrorsFilter extends BaseExceptionFilter {
  constructor(@Optional() private readonly pages?: PageErrorRenderer) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<HttpRequest>();
    const response = host.switchToHttp().getResponse<HttpResponse>();
    const style = errorStyleOf(request);
    if (style === 'page' && this.pages) {
      this.pages.render(exception, request, response);
    } else if (style === 'oauth') {
      send(response, toWireError(classifyError(exception), 'oauth'));
    } else if (exception instanceof HttpException || clientErrorStatus(exception) !== undefined) {
      super.catch(exception, host);
    } else {
      send(response, toWireError(classifyError(exception), 'bearer'));
    }
  }
}

function send(response: HttpResponse, wire: WireError): void {
  response.status(wire.status).headers(wire.headers).send(wire.body);
}
