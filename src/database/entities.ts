import { AuditEvent } from '../audit/audit-event.entity';
import { AuthorizationCode } from '../authorization/authorization-code.entity';
import { Consent } from '../authorization/consent.entity';
import { LoginAttempt } from '../users/login-attempt.entity';
import { Session } from '../authorization/session.entity';
import { Client } from '../clients/client.entity';
import { AccessToken } from '../tokens/access-token.entity';
import { RefreshToken } from '../tokens/refresh-token.entity';
import { RefreshTokenFamily } from '../tokens/refresh-token-family.entity';
import { SigningKey } from '../tokens/signing-keys/signing-key.entity';
import { User } from '../users/user.entity';

// Every table the migrations create has its entity here.
export const entities = [
  User,
  Client,
  AuthorizationCode,
  AccessToken,
  RefreshToken,
  RefreshTokenFamily,
  Consent,
  SigningKey,
  Session,
  LoginAttempt,
  AuditEvent,
];
