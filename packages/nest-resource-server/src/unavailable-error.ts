// Portcullis could not be asked (metadata, JWKS or introspection unreachable, timed out or failing):
// the token may be fine, so the guard answers 503 with Retry-After rather than 401 or 500.
export class AuthorizationServerUnavailable extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`authorization server unavailable: ${reason}`, options);
  }
}

// Runs a request to the authorization server; a network failure or timeout becomes unavailable.
export async function reach(what: string, request: () => Promise<Response>): Promise<Response> {
  let response: Response;
  try {
    response = await request();
  } catch (error) {
    throw new AuthorizationServerUnavailable(`${what} unreachable`, { cause: error });
  }
  if (response.status >= 500) {
    throw new AuthorizationServerUnavailable(`${what} answered ${response.status}`);
  }
  return response;
}
