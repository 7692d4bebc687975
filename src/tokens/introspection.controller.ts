import { Body, Controller } from '@nestjs/common';
import { Client } from '../clients/client.entity';
import { RendersErrors } from '../common/error-style';
import { requiredParam } from '../common/oauth-params';
import { IntrospectionDocs } from '../common/openapi';
import { oauthValidationPipe } from '../common/oauth-validation.pipe';
import { AuthenticatedClient, ClientAuthenticatedPost } from './client-auth.guard';
import { TokenActionDto } from './dto/token-action.dto';
import { IntrospectionResponse, IntrospectionService } from './introspection.service';

@Controller('oauth/introspect')
@RendersErrors('oauth')
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  @ClientAuthenticatedPost()
  @IntrospectionDocs()
  introspect(
    @AuthenticatedClient() client: Client,
    @Body(oauthValidationPipe) body: TokenActionDto,
  ): Promise<IntrospectionResponse> {
    return this.introspection.introspect(client, requiredParam(body.token, 'token'));
  }
}
