import { sha256Hex } from '../src/common/crypto';
import { ClientsService } from '../src/clients/clients.service';
import { AuthorizationCodeGrant } from '../src/tokens/grants/authorization-code.grant';
import { UsersService } from '../src/users/users.service';
import { createClient, createUser } from './factories';
import { CALLBACK, obtainCode } from './helpers/oauth';
import { createTestApp, TestApp } from './helpers/test-app';

// Lets `turns` rounds of already-queued promise callbacks run, so two operations interleave at
// every possible point.
const yieldTurns = async (turns: number) => {
  for (let turn = 0; turn < turns; turn++) {
    await Promise.resolve();
  }
};

// On SQLite every request shares one connection: a write that fails in one request must never
// roll back (or be rolled back with) a code redemption running at the same moment.
describe('a failing admin write interleaved with a code redemption', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('should leave every redeemed code spent and its tokens stored, whatever the interleaving', async () => {
    await createUser(t.server, { username: 'alice' }).expect(201);
    const bobId = (await createUser(t.server, { username: 'bob' }).expect(201)).body.id;
    const { body } = await createClient(t.server, {
      skip_consent: true,
      grant_types: ['authorization_code', 'refresh_token'],
    }).expect(201);
    const client = await t.app.get(ClientsService).get(body.client_id);
    const grant = t.app.get(AuthorizationCodeGrant);
    const users = t.app.get(UsersService);
    const problems: string[] = [];
    for (let turns = 0; turns < 40; turns++) {
      const issued = await obtainCode(t.server, { clientId: client.clientId });
      // Renaming bob to alice fails on the unique index.
      const failingWrite = users.update(bobId, { username: 'alice' }).catch(() => 'refused');
      await yieldTurns(turns);
      const redemption = grant.exchange(client, {
        grant_type: 'authorization_code',
        code: issued.code,
        redirect_uri: CALLBACK,
        code_verifier: issued.verifier,
      });
      const [, tokens] = await Promise.all([failingWrite, redemption]);
      const [code] = await t.dataSource.query(
        `SELECT consumed_at, family_id FROM authorization_codes WHERE code_hash = '${sha256Hex(issued.code)}'`,
      );
      const [{ n }] = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM access_tokens WHERE family_id = '${code.family_id}'`,
      );
      if (!tokens.access_token || code.consumed_at === null || Number(n) !== 1) {
        problems.push(`after ${turns} turns: consumed_at=${code.consumed_at}, tokens stored=${n}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
