import { readBearerToken } from './bearer-token';

describe('readBearerToken', () => {
  it.each([
    { header: undefined, expected: { kind: 'absent' } },
    { header: '', expected: { kind: 'absent' } },
    { header: 'Basic dXNlcjpwYXNz', expected: { kind: 'absent' } },
    { header: 'Bearertoken', expected: { kind: 'absent' } },
    { header: 'Bearer abc.DEF-ghi_~+/', expected: { kind: 'token', token: 'abc.DEF-ghi_~+/' } },
    { header: 'bearer abc', expected: { kind: 'token', token: 'abc' } },
    { header: 'BEARER  abc==', expected: { kind: 'token', token: 'abc==' } },
    { header: 'Bearer', expected: { kind: 'malformed' } },
    { header: 'Bearer ', expected: { kind: 'malformed' } },
    { header: 'Bearer abc def', expected: { kind: 'malformed' } },
    { header: 'Bearer abc, Bearer def', expected: { kind: 'malformed' } },
    { header: 'Bearer a=b', expected: { kind: 'malformed' } },
    { header: 'Bearer abc\tdef', expected: { kind: 'malformed' } },
  ])('should read $expected.kind when the header is "$header"', ({ header, expected }) => {
    expect(readBearerToken(header)).toEqual(expected);
  });
});
