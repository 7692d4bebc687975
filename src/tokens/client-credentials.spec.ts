import { OAuthError } from '../common/oauth-error';
import { parseBasicCredentials, readClientCredentials } from './client-credentials';

const basic = (raw: string) => `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`;

describe('parseBasicCredentials (RFC 6749 §2.3.1)', () => {
  it.each([
    [basic('client:secret'), { clientId: 'client', secret: 'secret' }],
    [basic('client:se:cret'), { clientId: 'client', secret: 'se:cret' }],
    [basic('client:'), { clientId: 'client', secret: '' }],
    [basic('my%20client:a%2Bb'), { clientId: 'my client', secret: 'a+b' }],
    [basic('my+client:a+b'), { clientId: 'my client', secret: 'a b' }],
    [basic('%3Aid:%25'), { clientId: ':id', secret: '%' }],
    [`basic ${Buffer.from('c:s').toString('base64')}`, { clientId: 'c', secret: 's' }],
  ])('should read %s', (header, expected) => {
    expect(parseBasicCredentials(header)).toEqual(expected);
  });

  it.each([
    ['Bearer abc'],
    [basic('no-colon')],
    [basic(':secret')],
    [basic('client:%E0%A4%A')],
    ['Basic not base64!'],
    ['Basic'],
  ])('should refuse %s', (header) => {
    expect(parseBasicCredentials(header)).toBeUndefined();
  });
});

describe('readClientCredentials', () => {
  const failure = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      const { code, description, status } = error as OAuthError;
      return { code, description, status };
    }
    throw new Error('expected an OAuthError');
  };

  it.each([
    [basic('c:s'), {}, { method: 'client_secret_basic', clientId: 'c', secret: 's' }],
    [
      basic('c:s'),
      { client_id: 'c' },
      { method: 'client_secret_basic', clientId: 'c', secret: 's' },
    ],
    [
      undefined,
      { client_id: 'c', client_secret: 's' },
      { method: 'client_secret_post', clientId: 'c', secret: 's' },
    ],
    [undefined, { client_id: 'c' }, { method: 'none', clientId: 'c' }],
    [undefined, { client_id: 'c', client_secret: '' }, { method: 'none', clientId: 'c' }],
  ])('should read %s with body %o', (header, body, expected) => {
    expect(readClientCredentials(header, body)).toEqual(expected);
  });

  it.each([
    [
      basic('c:s'),
      { client_secret: 's' },
      {
        code: 'invalid_request',
        description: 'use one client authentication method per request',
        status: 400,
      },
    ],
    [
      basic('c:s'),
      { client_id: 'd' },
      {
        code: 'invalid_request',
        description: 'client_id does not match the Authorization header',
        status: 400,
      },
    ],
    [
      undefined,
      {},
      { code: 'invalid_client', description: 'client authentication is required', status: 401 },
    ],
    [
      'Bearer x',
      { client_id: 'c' },
      { code: 'invalid_client', description: 'client authentication failed', status: 401 },
    ],
    [
      undefined,
      { client_id: ['c', 'd'] },
      {
        code: 'invalid_request',
        description: 'client_id must be given once, as a single value',
        status: 400,
      },
    ],
  ])('should refuse %s with body %o', (header, body, expected) => {
    expect(failure(() => readClientCredentials(header, body))).toEqual(expected);
  });
});
