import { ConfigService } from '@nestjs/config';
import { exportJWK, generateKeyPair } from 'jose';
import { DataSource, Repository } from 'typeorm';
import { Env } from '../../config/env.validation';
import { SigningKey } from './signing-key.entity';
import { SigningKeysService } from './signing-keys.service';

const TTL_SECONDS = 60;
const START = new Date('2026-11-23T10:00:00.000Z');
const seconds = (n: number) => new Date(START.getTime() + n * 1000);

async function keyRow(kid: string, lifetime: Partial<SigningKey>): Promise<SigningKey> {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    kid,
    alg: 'ES256',
    publicJwk: JSON.stringify({ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }),
    privateKeyEncrypted: 'not used here',
    activatedAt: START,
    deactivatedAt: null,
    publishUntil: null,
    createdAt: START,
    ...lifetime,
  };
}

// Which keys verify, over time and across instances: the table is a fake holding `rows`, and the
// clock is Jest's (only Date is faked).
describe('SigningKeysService verification keys', () => {
  let rows: SigningKey[];
  let reads: number;
  let service: SigningKeysService;

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval'] });
    jest.setSystemTime(START);
    rows = [];
    reads = 0;
    const repository = {
      find: () => {
        reads++;
        return Promise.resolve([...rows]);
      },
      findOneBy: ({ kid }: { kid: string }) => {
        reads++;
        return Promise.resolve(rows.find((row) => row.kid === kid) ?? null);
      },
    } as unknown as Repository<SigningKey>;
    const env: Partial<Env> = {
      SIGNING_KEYS_SECRET: 'a-signing-keys-secret-of-32-characters!',
      GENERATED_SECRETS: [],
      ACCESS_TOKEN_TTL: TTL_SECONDS,
    };
    const config = { get: (name: keyof Env) => env[name] } as unknown as ConfigService<Env, true>;
    service = new SigningKeysService({} as DataSource, repository, config);
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('should answer from memory once loaded, and reload after a minute', async () => {
    rows.push(await keyRow('active', {}));
    await expect(service.verificationKey('active')).resolves.toMatchObject({ alg: 'ES256' });
    await service.verificationKey('active');
    expect(reads).toBe(1);
    jest.setSystemTime(seconds(61));
    await service.verificationKey('active');
    expect(reads).toBe(2);
  });

  it('should refuse a key held in memory once its tokens have all expired', async () => {
    // Deactivated 100 s ago: published until 100 s + 60 s TTL + 60 s margin, i.e. 20 s from now.
    rows.push(
      await keyRow('retiring', { deactivatedAt: seconds(-100), publishUntil: seconds(20) }),
    );
    await expect(service.verificationKey('retiring')).resolves.not.toBeNull();
    jest.setSystemTime(seconds(21));
    await expect(service.verificationKey('retiring')).resolves.toBeNull();
    expect(reads).toBe(1);
  });

  it('should find a key rotated in by another instance at once, by its kid', async () => {
    rows.push(await keyRow('old', {}));
    await service.verificationKey('old');
    rows.push(await keyRow('new', {}));
    await expect(service.verificationKey('new')).resolves.toMatchObject({ kid: 'new' });
    await service.verificationKey('new');
    expect(reads).toBe(2);
  });

  it('should refuse unknown, retired and foreign-algorithm kids', async () => {
    rows.push(
      await keyRow('retired', { deactivatedAt: seconds(-200), publishUntil: seconds(-80) }),
      { ...(await keyRow('hmac', {})), alg: 'HS256' },
    );
    for (const kid of ['unknown', 'retired', 'hmac']) {
      await expect(service.verificationKey(kid)).resolves.toBeNull();
    }
  });
});
