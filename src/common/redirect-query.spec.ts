import { appendQuery } from './redirect-query';

describe('appendQuery', () => {
  it.each([
    { uri: 'https://a.example/cb', expected: 'https://a.example/cb?code=x&state=s+t' },
    {
      uri: 'https://a.example/cb?tenant=1',
      expected: 'https://a.example/cb?tenant=1&code=x&state=s+t',
    },
    { uri: 'https://a.example/cb?', expected: 'https://a.example/cb?code=x&state=s+t' },
    { uri: 'https://a.example:443/cb', expected: 'https://a.example:443/cb?code=x&state=s+t' },
    { uri: 'https://a.example/a/../cb', expected: 'https://a.example/a/../cb?code=x&state=s+t' },
  ])('should keep $uri as registered', ({ uri, expected }) => {
    expect(appendQuery(uri, { code: 'x', state: 's t', skipped: null })).toBe(expected);
  });
});
