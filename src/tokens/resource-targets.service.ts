import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Api } from '../apis/api.entity';
import { ApisService } from '../apis/apis.service';
import { resourceIndicatorProblem } from '../apis/resource-indicator';
import { OAuthError } from '../common/oauth-error';
import { Env } from '../config/env.validation';
import { EntityManager } from 'typeorm';

export type ResourceParams = { resource?: string; audience?: string };

const invalidTarget = (description: string) => new OAuthError('invalid_target', description);

// RFC 8707 resource indicators at the token endpoint: which API a token is for (null: the built-in
// API, `<ISSUER>/api`, also when named), and the scope it may carry there.
@Injectable()
export class ResourceTargets {
  private readonly builtIn: string;

  constructor(
    private readonly apis: ApisService,
    config: ConfigService<Env, true>,
  ) {
    this.builtIn = `${config.get('ISSUER', { infer: true })}/api`;
  }

  // The registered API that `resource` (or `audience`) names; unknown or malformed: invalid_target.
  async requested({ resource, audience }: ResourceParams): Promise<Api | null | undefined> {
    if (resource !== undefined && audience !== undefined && resource !== audience) {
      throw invalidTarget('send resource or audience, not both');
    }
    const indicator = resource ?? audience;
    if (indicator === undefined) {
      return undefined;
    }
    const problem = resourceIndicatorProblem(indicator);
    if (problem) {
      throw invalidTarget(`resource ${problem}`);
    }
    if (indicator === this.builtIn) {
      return null;
    }
    const api = await this.apis.findByIdentifier(indicator);
    if (!api) {
      throw invalidTarget('resource is not a registered API');
    }
    return api;
  }

  // The API a grant was issued for, by its identifier (null: the built-in API), read in the
  // grant's transaction.
  async ofGrant(manager: EntityManager, resource: string | null): Promise<Api | null> {
    if (resource === null) {
      return null;
    }
    const api = await this.apis.findByIdentifier(resource, manager);
    if (!api) {
      throw new OAuthError('invalid_grant', 'the API of this grant is no longer registered');
    }
    return api;
  }
}
