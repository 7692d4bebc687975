import { Body, Controller } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Client } from '../clients/client.entity';
import { RendersErrors } from '../common/error-style';
import { requiredParam } from '../common/oauth-params';
import { oauthValidationPipe } from '../common/oauth-validation.pipe';
import { AuthenticatedClient, ClientAuthenticatedPost } from './client-auth.guard';
import { TokenActionDto } from './dto/token-action.dto';
import { IntrospectionResponse, IntrospectionService } from './introspection.service';

@ApiExcludeController()
@Controller('oauth/introspect')
@RendersErrors('oauth')
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  @ClientAuthenticatedPost()
  introspect(
    @AuthenticatedClient() client: Client,
    @Body(oauthValidationPipe) body: TokenActionDto,
  ): Promise<IntrospectionResponse> {
    return this.introspection.introspect(client, requiredParam(body.token, 'token'));
  }
}
