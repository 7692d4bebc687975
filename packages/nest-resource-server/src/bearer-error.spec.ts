import { BearerError } from './bearer-error';

describe('BearerError', () => {
  it.each([
    { error: new BearerError(undefined), status: 401, challenge: 'Bearer realm="api"' },
    {
      error: new BearerError('invalid_token', 'token expired'),
      status: 401,
      challenge: 'Bearer realm="api", error="invalid_token", error_description="token expired"',
    },
    {
      error: new BearerError('insufficient_scope', 'scope required', 'notes:write'),
      status: 403,
      challenge:
        'Bearer realm="api", error="insufficient_scope", error_description="scope required", scope="notes:write"',
    },
    {
      error: new BearerError('invalid_request', 'say "hi"'),
      status: 400,
      challenge: 'Bearer realm="api", error="invalid_request", error_description="say \\"hi\\""',
    },
  ])('should answer $status with $challenge', ({ error, status, challenge }) => {
    expect(error.status).toBe(status);
    expect(error.toChallenge('api')).toBe(challenge);
  });

  it('should answer a bare Bearer challenge when there is no realm and no token', () => {
    expect(new BearerError(undefined).toChallenge()).toBe('Bearer');
  });
});
