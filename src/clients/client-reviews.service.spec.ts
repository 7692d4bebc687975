import { ConflictException, NotFoundException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditModule } from '../audit/audit.module';
import { CLI_ACTOR } from '../common/actor';
import { buildDataSourceOptions } from '../database/data-source';
import { runPendingMigrations } from '../database/migrations-runner';
import { Client, ClientStatus } from './client.entity';
import { ClientReviews, ReviewDecision } from './client-reviews.service';

// The review state machine against an in-memory database with the real schema: which status each
// decision moves a client from, and what it answers otherwise.
describe('ClientReviews', () => {
  let dataSource: DataSource;
  let reviews: ClientReviews;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({
          ...buildDataSourceOptions({ type: 'sqlite', path: ':memory:' }),
          autoLoadEntities: true,
        }),
        TypeOrmModule.forFeature([Client]),
        AuditModule,
      ],
      providers: [ClientReviews],
    }).compile();
    dataSource = moduleRef.get(DataSource);
    await runPendingMigrations(dataSource);
    reviews = moduleRef.get(ClientReviews);
  });

  afterAll(() => dataSource.destroy());

  let next = 0;
  async function clientIn(status: ClientStatus): Promise<string> {
    const clientId = `client-${++next}`;
    const now = new Date();
    await dataSource.getRepository(Client).insert({
      clientId,
      secretHash: null,
      clientName: clientId,
      redirectUris: ['https://app.example.com/cb'],
      grantTypes: ['authorization_code'],
      scope: 'profile',
      tokenEndpointAuthMethod: 'none',
      accessTokenFormat: 'opaque',
      requirePkce: true,
      allowedOrigins: [],
      skipConsent: false,
      introspectionAllowed: false,
      enabled: true,
      status,
      ownerId: null,
      clientUri: null,
      description: null,
      rejectionReason: status === 'rejected' ? 'earlier reason' : null,
      idTokenSignedResponseAlg: 'RS256',
      postLogoutRedirectUris: [],
      backchannelLogoutUri: null,
      backchannelLogoutSessionRequired: false,
      jwks: null,
      jwksUri: null,
      createdAt: now,
      updatedAt: now,
    });
    return clientId;
  }

  const decide = (clientId: string, decision: ReviewDecision, reason?: string, version = 1) =>
    dataSource.transaction((manager) =>
      reviews.review(manager, clientId, decision, CLI_ACTOR, version, reason),
    );

  it.each([
    { from: 'pending', decision: 'approve', to: 'approved', reason: null },
    { from: 'rejected', decision: 'approve', to: 'approved', reason: null },
    { from: 'pending', decision: 'reject', to: 'rejected', reason: 'no privacy policy' },
    { from: 'approved', decision: 'reject', to: 'rejected', reason: 'abuse' },
  ] as const)(
    'should move a $from client to $to on $decision and record it',
    async ({ from, decision, to, reason }) => {
      const clientId = await clientIn(from);
      const client = await decide(clientId, decision, reason ?? undefined);
      expect(client).toMatchObject({ clientId, status: to, rejectionReason: reason });
      const events = await dataSource.getRepository(AuditEvent).findBy({ clientId });
      expect(events.map((event) => [event.type, event.details])).toEqual([
        [`client.${to}`, reason ? { review_version: '1', reason } : { review_version: '1' }],
      ]);
    },
  );

  it.each([
    { from: 'pending', decision: 'approve', version: 2 },
    { from: 'pending', decision: 'reject', version: 2 },
    { from: 'rejected', decision: 'approve', version: 0 },
    { from: 'approved', decision: 'reject', version: 3 },
  ] as const)(
    'should refuse to $decision a $from client when the version reviewed ($version) is not the current one (1), changing nothing',
    async ({ from, decision, version }) => {
      const clientId = await clientIn(from);
      await expect(decide(clientId, decision, 'why', version)).rejects.toEqual(
        new ConflictException(
          `client changed since review_version ${version} (now 1): review it again`,
        ),
      );
      await expect(dataSource.getRepository(Client).findOneBy({ clientId })).resolves.toMatchObject(
        { status: from, reviewVersion: 1 },
      );
      await expect(dataSource.getRepository(AuditEvent).countBy({ clientId })).resolves.toBe(0);
    },
  );

  it.each([
    { from: 'approved', decision: 'approve' },
    { from: 'rejected', decision: 'reject' },
  ] as const)(
    'should refuse to $decision a client already $from, changing nothing',
    async ({ from, decision }) => {
      const clientId = await clientIn(from);
      await expect(decide(clientId, decision, 'again')).rejects.toEqual(
        new ConflictException(`client is already ${from}`),
      );
      await expect(dataSource.getRepository(Client).findOneBy({ clientId })).resolves.toMatchObject(
        { status: from },
      );
      await expect(dataSource.getRepository(AuditEvent).countBy({ clientId })).resolves.toBe(0);
    },
  );

  it('should answer 404 for an unknown client', async () => {
    await expect(decide('nobody', 'approve')).rejects.toEqual(
      new NotFoundException('client not found'),
    );
  });
});
