import { PickType } from '@nestjs/swagger';
import { CreateClientDto } from '../../clients/dto/client.dto';

// What a developer registers: the admin API's fields and rules, limited to those a developer
// chooses. Public (SPA) or confidential comes from token_endpoint_auth_method.
export class RegisterAppDto extends PickType(CreateClientDto, [
  'client_name',
  'description',
  'client_uri',
  'redirect_uris',
  'scope',
  'token_endpoint_auth_method',
] as const) {}

// What the owner may change once registered.
export class UpdateAppDto extends PickType(CreateClientDto, [
  'description',
  'redirect_uris',
] as const) {}
