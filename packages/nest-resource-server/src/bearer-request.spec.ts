import { parseBearerHeader } from './bearer-request';

describe('parseBearerHeader', () => {
  it.each([
    { header: undefined, expected: { kind: 'missing' } },
    { header: '', expected: { kind: 'missing' } },
    { header: 'Bearer abc.def-ghi_~+/=', expected: { kind: 'token', token: 'abc.def-ghi_~+/=' } },
    { header: 'bearer abc', expected: { kind: 'token', token: 'abc' } },
    { header: 'Basic dXNlcjpwYXNz', expected: { kind: 'malformed' } },
    { header: 'Bearer', expected: { kind: 'malformed' } },
    { header: 'Bearer a b', expected: { kind: 'malformed' } },
    { header: 'Bearer a,b', expected: { kind: 'malformed' } },
    { header: ['Bearer a', 'Bearer b'], expected: { kind: 'malformed' } },
  ])('should return $expected.kind when the header is $header', ({ header, expected }) => {
    expect(parseBearerHeader(header)).toEqual(expected);
  });
});
