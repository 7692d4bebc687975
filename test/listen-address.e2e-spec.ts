import { startServer } from './helpers/processes';
import { createTestDatabase, TestDatabase } from './helpers/test-database';

// HOST: the address the server listens on (every interface unless set).
describe('listen address', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  const reachable = (url: string) =>
    fetch(`${url}/health/live`).then(
      (response) => response.status,
      () => 'refused',
    );

  it('should listen only on HOST when it is set', async () => {
    const server = await startServer(database.url, { HOST: '127.0.0.2' });
    try {
      expect(await reachable(server.baseUrl)).toBe(200);
      expect(await reachable(server.baseUrl.replace('127.0.0.2', '127.0.0.1'))).toBe('refused');
    } finally {
      await server.stop();
    }
  });

  it('should listen on every interface when HOST is not set', async () => {
    const server = await startServer(database.url);
    try {
      expect(await reachable(server.baseUrl)).toBe(200);
      expect(await reachable(server.baseUrl.replace('127.0.0.1', '127.0.0.3'))).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('should refuse to start when HOST is not an address or a host name', async () => {
    await expect(startServer(database.url, { HOST: 'not a host!' })).rejects.toThrow(
      /HOST: must be an IP address or a host name/,
    );
  });
});
