import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BearerError } from './bearer-error';
import { IntrospectionVerifier } from './introspection-verifier';

const audience = 'https://notes.example';

describe('IntrospectionVerifier', () => {
  let server: Server;
  let endpoint: string;
  let answers: Record<string, object>;
  let calls: string[];
  let now: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        calls.push(req.headers.authorization ?? '');
        const token = new URLSearchParams(body).get('token') ?? '';
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(answers[token] ?? { active: false }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/introspect`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    now = 1_000_000;
    calls = [];
    answers = { good: { active: true, aud: [audience], scope: 'notes:read', exp: 2000 } };
  });

  const verifier = () =>
    new IntrospectionVerifier({
      introspectionEndpoint: endpoint,
      clientId: 'rs',
      clientSecret: 's3cret',
      audience,
      cacheTtlSeconds: 60,
      now: () => now,
    });

  it('should authenticate with client_secret_basic and return the claims when active', async () => {
    await expect(verifier().verify('good')).resolves.toMatchObject({ scope: 'notes:read' });
    expect(calls).toEqual([`Basic ${Buffer.from('rs:s3cret').toString('base64')}`]);
  });

  it.each([
    { name: 'inactive', answer: { active: false }, description: 'token is not active' },
    {
      name: 'for another API',
      answer: { active: true, aud: 'https://other' },
      description: 'token is invalid',
    },
  ])('should answer invalid_token when the token is $name', async ({ answer, description }) => {
    answers.good = answer;
    await expect(verifier().verify('good')).rejects.toEqual(
      new BearerError('invalid_token', description),
    );
  });

  it('should answer from the cache within the ttl and ask again after it', async () => {
    const subject = verifier();
    await subject.verify('good');
    answers.good = { active: false };
    now += 59_000;
    await expect(subject.verify('good')).resolves.toMatchObject({ active: true });
    now += 2_000;
    await expect(subject.verify('good')).rejects.toBeInstanceOf(BearerError);
    expect(calls).toHaveLength(2);
  });

  it('should not cache past the token exp when it ends before the ttl', async () => {
    const subject = verifier();
    answers.good = { active: true, exp: now / 1000 + 10 };
    await subject.verify('good');
    now += 11_000;
    await subject.verify('good');
    expect(calls).toHaveLength(2);
  });
});
