import { redactUrl, urlRedactor } from './logger';

describe('redactUrl', () => {
  it('should redact every secret parameter of a query, whatever its case', () => {
    expect(redactUrl('/oauth/authorize?client_id=c&Code=abc&state=s&access_token=t')).toBe(
      '/oauth/authorize?client_id=c&Code=%5Bredacted%5D&state=s&access_token=%5Bredacted%5D',
    );
  });

  it('should redact a secret parameter sent with brackets', () => {
    expect(redactUrl('/api/me?access_token[]=t1&code[x]=c1&page[size]=2')).toBe(
      '/api/me?access_token%5B%5D=%5Bredacted%5D&code%5Bx%5D=%5Bredacted%5D&page%5Bsize%5D=2',
    );
  });

  it('should leave a URL without a query as it is', () => {
    expect(redactUrl('/oauth/token')).toBe('/oauth/token');
  });
});

describe('urlRedactor', () => {
  const ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';
  const redact = urlRedactor([ADMIN_KEY, 'session-secret-0123456789abcdef0123']);

  it.each([
    '/admin/users',
    '/admin/clients/abc',
    '/oauth/token',
    '/oauth/revoke',
    '/oauth/introspect',
  ])('should never log the query string of %s', (path) => {
    expect(redact(`${path}?key=${ADMIN_KEY}&offset=1`)).toBe(`${path}?[redacted]`);
    expect(redact(path)).toBe(path);
  });

  it('should redact a configured secret wherever it appears, raw or percent-encoded', () => {
    expect(redact(`/oauth/authorize?state=${ADMIN_KEY}&client_id=c`)).toBe(
      '/oauth/authorize?state=%5Bredacted%5D&client_id=c',
    );
    expect(redact(`/${ADMIN_KEY}/x?state=a%20${encodeURIComponent(ADMIN_KEY)}`)).toBe(
      '/[redacted]/x?state=a+%5Bredacted%5D',
    );
  });

  it('should still redact secret parameters by name elsewhere', () => {
    expect(redact('/oauth/authorize?code=abc&state=s')).toBe(
      '/oauth/authorize?code=%5Bredacted%5D&state=s',
    );
  });
});
