import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConsentsService } from '../consents/consents.service';
import { Client } from '../clients/client.entity';
import { ClientReviews, ReviewDecision } from '../clients/client-reviews.service';
import { Actor } from '../common/actor';
import { inTransaction } from '../database/transactions';
import { RevocationService } from '../tokens/revocation.service';

// Operators' review of developers' applications. A rejection takes back everything the client was
// given, in the same transaction: codes, tokens and consents. Approving it again later starts from
// nothing (every user is asked again).
@Injectable()
export class AppReviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reviews: ClientReviews,
    private readonly revocation: RevocationService,
    private readonly consents: ConsentsService,
  ) {}

  decide(
    clientId: string,
    decision: ReviewDecision,
    actor: Actor,
    reviewVersion: number,
    reason?: string,
  ): Promise<Client> {
    return inTransaction(this.dataSource, async (manager) => {
      const client = await this.reviews.review(
        manager,
        clientId,
        decision,
        actor,
        reviewVersion,
        reason,
      );
      if (decision === 'reject') {
        await this.revocation.revokeGrants(manager, { clientId: client.clientId });
        await this.consents.forget(manager, { clientId: client.clientId });
      }
      return client;
    });
  }
}
