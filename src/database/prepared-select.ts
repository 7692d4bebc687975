import { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

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
