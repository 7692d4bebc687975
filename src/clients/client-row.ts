import { DataSource } from 'typeorm';
import { hydrate, selectColumns } from '../database/prepared-select';
import { Row } from '../database/sql';
import { Client } from './client.entity';

// A client read together with what a request presents (its consent, a refresh token, a code):
// the client's columns as `c_…` in a row of a statement that joins the rest to `clients c`.
export const CLIENT_COLUMNS = (dataSource: DataSource) => selectColumns(dataSource, Client, 'c');

// The client of such a row, if its id is `clientId` byte for byte (MySQL's binary collation
// ignores trailing spaces, so `id ` would find `id`; on SQLite it would not).
export function clientOfRow(
  dataSource: DataSource,
  row: Row | null,
  clientId: string,
): Client | null {
  const client = row && hydrate(dataSource, Client, row, 'c');
  return client?.clientId === clientId ? client : null;
}
