import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { isMysql } from './named-query';

// The hot paths (every grant, every token check) speak SQL written once per statement, with `?`
// parameters, and get plain rows back: no query builder re-building the same statement on every
// request, no entity metadata, no hydration. Statements still go through TypeORM's query runner,
// so they run in the caller's transaction (`manager`), are prepared once and cached on SQLite,
// are retried while another process holds SQLite's lock, and are seen by the query logger.
// TypeORM keeps the entities, the migrations and the admin CRUD.
export type Value = string | number | bigint | Date | Buffer | null;
export type Row = Record<string, Value>;

export class Sql {
  readonly mysql: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.mysql = isMysql(dataSource);
  }

  async rows<T extends Row = Row>(
    manager: EntityManager | null,
    statement: string,
    parameters: unknown[],
  ): Promise<T[]> {
    const result = await this.execute(manager, statement, parameters);
    return result.records as T[];
  }

  async row<T extends Row = Row>(
    manager: EntityManager | null,
    statement: string,
    parameters: unknown[],
  ): Promise<T | null> {
    const [first] = await this.rows<T>(manager, statement, parameters);
    return first ?? null;
  }

  // The number of rows the statement changed (what a conditional UPDATE decides on).
  async run(
    manager: EntityManager | null,
    statement: string,
    parameters: unknown[],
  ): Promise<number> {
    const result = await this.execute(manager, statement, parameters);
    return result.affected ?? 0;
  }

  // The count an upsert leaves behind, in one round trip: on SQLite the first column of its
  // RETURNING clause; on MySQL (no RETURNING) the value it handed to LAST_INSERT_ID(expr), which
  // the statement's OK packet carries as its insert id. `statement` is the engine's own text.
  async counted(
    manager: EntityManager | null,
    statement: string,
    parameters: unknown[],
  ): Promise<number> {
    const result = await this.execute(manager, statement, parameters);
    if (this.mysql) {
      return Number((result.raw as { insertId: number | string }).insertId);
    }
    const [row] = result.records as Row[];
    return Number(Object.values(row)[0]);
  }

  private async execute(
    manager: EntityManager | null,
    statement: string,
    parameters: unknown[],
  ): Promise<{ records: unknown[]; affected?: number; raw: unknown }> {
    const values = this.mysql ? parameters : parameters.map(sqliteValue);
    const own = manager?.queryRunner;
    const runner: QueryRunner = own ?? this.dataSource.createQueryRunner();
    try {
      return await runner.query(statement, values, true);
    } finally {
      if (!own) {
        await runner.release();
      }
    }
  }
}

// better-sqlite3 binds numbers, strings, bigints, buffers and null. Dates are stored as TypeORM
// stores them (UTC `YYYY-MM-DD HH:MM:SS.SSS`, which sorts and compares as text), booleans as 1/0.
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) {
    return sqliteDatetime(value);
  }
  if (typeof value === 'boolean') {
    return value ? 1 : 0;
  }
  return value;
}

function sqliteDatetime(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

// A DATETIME column as read: a Date from mysql2, UTC text from SQLite.
export function dateOf(value: Value): Date {
  if (value instanceof Date) {
    return value;
  }
  return new Date(`${String(value).replace(' ', 'T')}Z`);
}

export function dateOrNull(value: Value | undefined): Date | null {
  return value === null || value === undefined ? null : dateOf(value);
}

export function textOrNull(value: Value | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}
