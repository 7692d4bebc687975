import { DataSource } from 'typeorm';
import { sha256Hex } from '../../src/common/crypto';

export type Acknowledged = { accessTokens: string[]; refreshTokens: string[] };

async function count(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<number> {
  const [{ n }] = await dataSource.query<{ n: number | string }[]>(sql, params);
  return Number(n);
}

async function present(dataSource: DataSource, table: string, tokens: string[]): Promise<number> {
  let found = 0;
  // In slices: a few thousand placeholders per statement at most.
  for (let start = 0; start < tokens.length; start += 500) {
    const slice = tokens.slice(start, start + 500).map(sha256Hex);
    found += await count(
      dataSource,
      `SELECT COUNT(*) AS n FROM ${table} WHERE token_hash IN (${slice.map(() => '?').join(',')})`,
      slice,
    );
  }
  return found;
}

// What must hold in the database whatever happened to the process that wrote it: every token a
// client was given has its row, no code was spent without its tokens, and every refresh-token
// family has exactly one head, one of its own tokens, and at most one token neither rotated nor
// revoked. Returns the problems found (none: []).
export async function grantProblems(
  dataSource: DataSource,
  acknowledged: Acknowledged,
): Promise<string[]> {
  const problems: string[] = [];
  const access = await present(dataSource, 'access_tokens', acknowledged.accessTokens);
  if (access !== acknowledged.accessTokens.length) {
    problems.push(
      `${acknowledged.accessTokens.length - access} acknowledged access tokens missing`,
    );
  }
  const refresh = await present(dataSource, 'refresh_tokens', acknowledged.refreshTokens);
  if (refresh !== acknowledged.refreshTokens.length) {
    problems.push(
      `${acknowledged.refreshTokens.length - refresh} acknowledged refresh tokens missing`,
    );
  }
  const spentWithoutTokens = await count(
    dataSource,
    `SELECT COUNT(*) AS n FROM authorization_codes c
      WHERE c.consumed_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM access_tokens a WHERE a.family_id = c.family_id)
        AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = c.family_id)`,
  );
  if (spentWithoutTokens > 0) {
    problems.push(`${spentWithoutTokens} codes spent without tokens`);
  }
  const headless = await count(
    dataSource,
    `SELECT COUNT(*) AS n FROM refresh_token_families f
      WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.id = f.head_token_id AND r.family_id = f.id)`,
  );
  if (headless > 0) {
    problems.push(`${headless} families whose head is not one of their tokens`);
  }
  const twoHeads = await count(
    dataSource,
    `SELECT COUNT(*) AS n FROM (SELECT family_id FROM refresh_tokens r
        WHERE r.revoked_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM refresh_tokens c WHERE c.parent_id = r.id)
        GROUP BY family_id HAVING COUNT(*) > 1) t`,
  );
  if (twoHeads > 0) {
    problems.push(`${twoHeads} families with two live unrotated tokens`);
  }
  return problems;
}
