import type { AuditRecord } from '../audit/audit.service';
import type { Client } from './client.entity';

export type ClientEventRecord = Omit<AuditRecord, 'clientId' | 'userId'>;

// A client event concerns the application's owner, if a developer registered it.
export function clientEvent(client: Client, record: ClientEventRecord): AuditRecord {
  return { ...record, clientId: client.clientId, userId: client.ownerId };
}
