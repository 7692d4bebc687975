import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { Client } from './client.entity';
import { clientEvent } from './client-events';

// The review state machine: which statuses an operator's decision moves a client from, and to.
const REVIEW = {
  approve: { from: ['pending', 'rejected'], to: 'approved' },
  reject: { from: ['pending', 'approved'], to: 'rejected' },
} as const;
export type ReviewDecision = keyof typeof REVIEW;

// An operator's decision on a developer's application.
@Injectable()
export class ClientReviews {
  constructor(private readonly audit: AuditService) {}

  // In the caller's transaction (see AppReviewService). The status moves with one conditional
  // UPDATE on the version reviewed, so of two concurrent decisions on one client only those that
  // find it in a status they apply to take effect, and a decision never covers a change made
  // after the operator looked (ClientsService.update increments the version in its UPDATE).
  async review(
    manager: EntityManager,
    clientId: string,
    decision: ReviewDecision,
    actor: Actor,
    reviewVersion: number,
    reason?: string,
  ): Promise<Client> {
    const { from, to } = REVIEW[decision];
    const { affected } = await manager.update(
      Client,
      { clientId, status: In([...from]), reviewVersion },
      { status: to, rejectionReason: reason ?? null, updatedAt: new Date() },
    );
    const client = await manager.findOneBy(Client, { clientId });
    if (client?.clientId !== clientId) {
      throw new NotFoundException('client not found');
    }
    if (!affected) {
      throw new ConflictException(
        client.reviewVersion === reviewVersion
          ? `client is already ${client.status}`
          : `client changed since review_version ${reviewVersion} (now ${client.reviewVersion}): review it again`,
      );
    }
    await this.audit.record(
      manager,
      clientEvent(client, {
        type: decision === 'approve' ? 'client.approved' : 'client.rejected',
        actor,
        details: {
          review_version: String(reviewVersion),
          ...(reason !== undefined && { reason }),
        },
      }),
    );
    return client;
  }
}
