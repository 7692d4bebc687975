import { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { Sql } from './sql';

// For the hottest reads (a bearer check, a client lookup): SQL written once instead of a query
// builder that builds the same statement again on every request, which costs more than the rest
// of such a request's own work. Rows are turned into entities as TypeORM itself loads them (dates
// on SQLite, booleans, JSON columns), from the entity's column metadata.

// `alias.column AS alias_column, …` for every column of the entity.
export function selectColumns(
  dataSource: DataSource,
  entity: EntityTarget<ObjectLiteral>,
  alias: string,
) {
  return dataSource
    .getMetadata(entity)
    .columns.map((column) => `${alias}.${column.databaseName} AS ${alias}_${column.databaseName}`)
    .join(', ');
}

// The entity held by the `alias_…` columns of a raw row.
export function hydrate<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  raw: Record<string, unknown>,
  alias: string,
): T {
  const metadata: EntityMetadata = dataSource.getMetadata(entity);
  const instance = metadata.create() as T;
  for (const column of metadata.columns) {
    const value = raw[`${alias}_${column.databaseName}`];
    (instance as Record<string, unknown>)[column.propertyName] =
      dataSource.driver.prepareHydratedValue(value, column);
  }
  return instance;
}

// One entity by equality on some of its columns (`findOneBy` for a hot path): the statement is
// written once, the row hydrated as TypeORM would. Pass a transaction's manager to read in it.
export class PreparedFind<T extends ObjectLiteral, K extends keyof T & string> {
  private readonly statement: string;
  private readonly sql: Sql;

  constructor(
    private readonly dataSource: DataSource,
    private readonly entity: EntityTarget<T>,
    private readonly keys: K[],
  ) {
    const metadata = dataSource.getMetadata(entity);
    const conditions = keys.map((key) => {
      const column = metadata.findColumnWithPropertyName(key);
      if (!column) {
        throw new Error(`${metadata.name} has no column ${key}`);
      }
      return `e.${column.databaseName} = ?`;
    });
    this.statement = `SELECT ${selectColumns(dataSource, entity, 'e')} FROM ${metadata.tableName} e WHERE ${conditions.join(' AND ')}`;
    this.sql = new Sql(dataSource);
  }

  async one(where: Pick<T, K>, manager?: EntityManager): Promise<T | null> {
    const raw = await this.sql.row(
      manager ?? null,
      this.statement,
      this.keys.map((key) => where[key]),
    );
    return raw && hydrate(this.dataSource, this.entity, raw, 'e');
  }
}
