import { applyDecorators, Header, HttpCode, Type } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

// For answers that carry a secret (tokens, a client secret on create or rotation): no cache,
// shared or private, may keep them (RFC 6749 §5.1, RFC 9111 §5.2.2.5; Pragma for HTTP/1.0 caches).
export const NoStore = () =>
  applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'));

// A route whose answer carries a secret shown this once (a client secret on registration or
// rotation): its status, no-store, and the OpenAPI description of the answer.
export const ReturnsSecretOnce = (status: 200 | 201, type: Type<unknown>, description: string) =>
  applyDecorators(HttpCode(status), NoStore(), ApiResponse({ status, type, description }));
