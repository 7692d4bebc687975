import { applyDecorators, Header } from '@nestjs/common';

// For answers that carry a secret (tokens, a client secret on create or rotation): no cache,
// shared or private, may keep them (RFC 6749 §5.1, RFC 9111 §5.2.2.5; Pragma for HTTP/1.0 caches).
export const NoStore = () =>
  applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'));
