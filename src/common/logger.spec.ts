import { redactUrl } from './logger';

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
