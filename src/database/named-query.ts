import { DataSource, ObjectLiteral } from 'typeorm';

// Raw SQL with `:name` parameters, converted the way TypeORM converts entity values (on SQLite a
// Date becomes the same UTC text TypeORM stores, so comparisons in SQL hold on both engines).
export function namedQuery<T = unknown>(
  dataSource: DataSource,
  sql: string,
  parameters: ObjectLiteral,
): Promise<T> {
  const [query, values] = dataSource.driver.escapeQueryWithParameters(sql, parameters, {});
  return dataSource.query(query, values);
}

export const isMysql = (dataSource: DataSource) => dataSource.options.type === 'mysql';
