import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importJWK,
  importPKCS8,
  CryptoKey,
  JWK,
} from 'jose';
import { DataSource, EntityManager, IsNull, Not, Repository } from 'typeorm';
import { secretsFromDevelopmentFile } from '../../config/development-secrets';
import { Env, InvalidEnvironmentError } from '../../config/env.validation';
import { inTransaction } from '../../database/transactions';
import { KeySealer, KeyUnsealError } from './key-sealing';
import { SigningKey } from './signing-key.entity';
import {
  isPublished,
  isSigningAlgorithm,
  KeyLifetime,
  retireAfter,
  SigningAlgorithm,
} from './signing-rules';

export type Signer = { kid: string; alg: SigningAlgorithm; key: CryptoKey };
export type VerificationKey = Signer & KeyLifetime;
export type KeyRotation = { activated: SigningKey; retiring: SigningKey[] };

// The published keys are reloaded when the set held in memory is older than this.
const VERIFICATION_CACHE_MS = 60_000;

const NEWEST_ACTIVE = {
  where: { activatedAt: Not(IsNull()), deactivatedAt: IsNull() },
  order: { activatedAt: 'DESC', kid: 'ASC' },
} as const;
// Keys of another algorithm than the active key's, for ID tokens a client asked to have signed
// with it (OpenID Connect): never activated as the key of access tokens, published and verified
// like the others, and retired by the next rotation.
const EXTRA_ACTIVE = { activatedAt: IsNull(), deactivatedAt: IsNull() } as const;

// The keys that sign JWT access tokens. They live in the database (private halves sealed with
// SIGNING_KEYS_SECRET), so every instance sharing it signs and verifies with the same set:
// - the newest active key signs; it is read on every signature, so a rotation by the CLI or another
//   instance takes effect at once;
// - rotation deactivates the previous keys, which stay published (JWKS) and keep verifying until
//   every token they signed has expired, then retire;
// - verification reads public keys from memory, never the database per token (a kid not in memory
//   is looked up once: it may have been rotated in elsewhere).
@Injectable()
export class SigningKeysService {
  private readonly logger = new Logger('SigningKeys');
  private readonly sealer: KeySealer;
  private readonly secretIsGenerated: boolean;
  private readonly accessTokenTtlSeconds: number;
  private readonly signerCache = new Map<string, Signer>();
  private verificationKeys = new Map<string, VerificationKey>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>,
    config: ConfigService<Env, true>,
  ) {
    this.sealer = new KeySealer(config.get('SIGNING_KEYS_SECRET', { infer: true }));
    // A development secret (generated, or from the development file) never blocks a start.
    this.secretIsGenerated =
      config.get('GENERATED_SECRETS', { infer: true }).includes('SIGNING_KEYS_SECRET') ||
      secretsFromDevelopmentFile().includes('SIGNING_KEYS_SECRET');
    this.accessTokenTtlSeconds = config.get('ACCESS_TOKEN_TTL', { infer: true });
  }

  // At server start: make sure there is an active key this process can sign with. The first start
  // creates one. A key this secret cannot open stops the start, unless the secret was generated for
  // this process (development), where a new key takes over.
  async prepare(): Promise<void> {
    const active = await this.keys.findOne(NEWEST_ACTIVE);
    if (!active) {
      const { activated } = await this.rotate('ES256');
      this.logger.log(`Created signing key ${activated.kid} (${activated.alg})`);
      return;
    }
    if (await this.opens(active)) {
      return;
    }
    if (!this.secretIsGenerated) {
      throw new InvalidEnvironmentError([
        `SIGNING_KEYS_SECRET: does not open the active signing key ${active.kid}; set the secret ` +
          'it was sealed with, or start a new key sealed with this one: ' +
          '`npm run cli -- keys:rotate --new-secret`',
      ]);
    }
    const { activated } = await this.rotate();
    this.logger.warn(
      `The active signing key ${active.kid} was sealed with another process's generated ` +
        `SIGNING_KEYS_SECRET: signing with new key ${activated.kid}. Set SIGNING_KEYS_SECRET to keep keys across restarts.`,
    );
  }

  // Makes a new key active and starts retiring the others. `alg` defaults to the algorithm of the
  // key it replaces (ES256 for the first).
  async rotate(alg?: SigningAlgorithm): Promise<KeyRotation> {
    const current = await this.keys.findOne(NEWEST_ACTIVE);
    const currentAlg = current?.alg;
    const algorithm = alg ?? (isSigningAlgorithm(currentAlg) ? currentAlg : 'ES256');
    const now = new Date();
    const key = await this.newKey(algorithm, now);
    const publishUntil = retireAfter(now, this.accessTokenTtlSeconds);
    const retiring = await inTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(SigningKey);
      const active = [
        ...(await repository.findBy(NEWEST_ACTIVE.where)),
        ...(await repository.findBy(EXTRA_ACTIVE)),
      ];
      await repository.update(NEWEST_ACTIVE.where, { deactivatedAt: now, publishUntil });
      await repository.update(EXTRA_ACTIVE, { deactivatedAt: now, publishUntil });
      await repository.insert(key);
      return active.map((row) => ({ ...row, deactivatedAt: now, publishUntil }));
    });
    this.loadedAt = 0;
    return { activated: key, retiring };
  }

  // The key that signs a new token: the newest active one, read now. Inside a transaction, pass its
  // manager: waiting for a second pooled connection while holding one could exhaust the pool.
  async signer(manager?: EntityManager): Promise<Signer> {
    const keys = manager?.getRepository(SigningKey) ?? this.keys;
    const active = await keys.findOne(NEWEST_ACTIVE);
    if (!active) {
      throw new Error('No active signing key: run `npm run cli -- keys:rotate`');
    }
    return this.signerFor(active);
  }

  // The key that signs with `alg`: the active key when it has that algorithm, else the newest extra
  // key of it, created on first use (two instances creating one at once leave two valid keys).
  async signerWith(alg: SigningAlgorithm, manager?: EntityManager): Promise<Signer> {
    const keys = manager?.getRepository(SigningKey) ?? this.keys;
    const active = await keys.findOne(NEWEST_ACTIVE);
    if (active?.alg === alg) {
      return this.signerFor(active);
    }
    const extra = await keys.findOne({
      where: { ...EXTRA_ACTIVE, alg },
      order: { createdAt: 'DESC', kid: 'ASC' },
    });
    if (extra) {
      return this.signerFor(extra);
    }
    const created = await this.newKey(alg, null);
    await keys.insert(created);
    return this.signerFor(created);
  }

  // A published key for a token's kid, or null. From memory: the set is reloaded when it is older
  // than a minute, and a kid it does not hold is looked up by itself (one primary-key read, as an
  // unknown opaque token costs).
  async verificationKey(kid: string): Promise<VerificationKey | null> {
    if (Date.now() - this.loadedAt > VERIFICATION_CACHE_MS) {
      await this.reload();
    }
    let key = this.verificationKeys.get(kid);
    if (!key) {
      const row = await this.keys.findOneBy({ kid });
      key = (row && (await this.verificationKeyOf(row))) ?? undefined;
      if (key) {
        this.verificationKeys.set(kid, key);
      }
    }
    return key && isPublished(key, new Date(), this.accessTokenTtlSeconds) ? key : null;
  }

  // Whether SIGNING_KEYS_SECRET opens the active key (true when there is none yet).
  async activeKeyOpens(): Promise<boolean> {
    const active = await this.keys.findOne(NEWEST_ACTIVE);
    return !active || this.opens(active);
  }

  statusOf(key: SigningKey): 'active' | 'retiring' | 'retired' {
    if (key.deactivatedAt === null) {
      return 'active';
    }
    return isPublished(key, new Date(), this.accessTokenTtlSeconds) ? 'retiring' : 'retired';
  }

  // Every key, newest first: active, retiring and retired.
  list(): Promise<SigningKey[]> {
    return this.keys.find({ order: { createdAt: 'DESC', kid: 'ASC' } });
  }

  // The JWK Set: every published key, newest first. Read from the database, so it always holds the
  // key any instance signs with.
  async publishedJwks(): Promise<{ keys: JWK[] }> {
    const rows = await this.list();
    const now = new Date();
    return {
      keys: rows
        .filter((row) => isPublished(row, now, this.accessTokenTtlSeconds))
        .map((row) => JSON.parse(row.publicJwk) as JWK),
    };
  }

  private async newKey(alg: SigningAlgorithm, activatedAt: Date | null): Promise<SigningKey> {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    return {
      kid,
      alg,
      publicJwk: JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
      privateKeyEncrypted: this.sealer.seal(kid, await exportPKCS8(privateKey)),
      activatedAt,
      deactivatedAt: null,
      publishUntil: null,
      createdAt: activatedAt ?? new Date(),
    };
  }

  // Whether SIGNING_KEYS_SECRET opens this key (which then signs from memory).
  private async opens(row: SigningKey): Promise<boolean> {
    try {
      await this.signerFor(row);
      return true;
    } catch (error) {
      if (error instanceof KeyUnsealError) {
        return false;
      }
      throw error;
    }
  }

  private async signerFor(row: SigningKey): Promise<Signer> {
    let signer = this.signerCache.get(row.kid);
    if (!signer) {
      const alg = row.alg;
      if (!isSigningAlgorithm(alg)) {
        throw new Error(`Signing key ${row.kid} has an unsupported algorithm`);
      }
      const key = await importPKCS8(this.sealer.open(row.kid, row.privateKeyEncrypted), alg);
      signer = { kid: row.kid, alg, key };
      this.signerCache.set(row.kid, signer);
    }
    return signer;
  }

  private reload(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    const loaded = new Map<string, VerificationKey>();
    for (const row of await this.keys.find()) {
      const key = await this.verificationKeyOf(row);
      if (key) {
        loaded.set(row.kid, key);
      }
    }
    this.verificationKeys = loaded;
    this.loadedAt = Date.now();
  }

  // The public key of a published row, imported once and reused across reloads.
  private async verificationKeyOf(row: SigningKey): Promise<VerificationKey | null> {
    const alg = row.alg;
    if (!isSigningAlgorithm(alg) || !isPublished(row, new Date(), this.accessTokenTtlSeconds)) {
      return null;
    }
    const key =
      this.verificationKeys.get(row.kid)?.key ??
      ((await importJWK(JSON.parse(row.publicJwk) as JWK, alg)) as CryptoKey);
    return {
      kid: row.kid,
      alg,
      key,
      deactivatedAt: row.deactivatedAt,
      publishUntil: row.publishUntil,
    };
  }
}
