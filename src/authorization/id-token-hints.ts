import { Injectable } from '@nestjs/common';

// The subject of an ID token this server issued to `clientId` and that still verifies, or null.
export type IdTokenHintReader = (hint: string, clientId: string) => Promise<string | null>;

// OpenID Connect Core §3.1.2.1 id_token_hint: believed only once verified. The verification lives
// with the ID tokens (oidc/), which registers its reader here when it starts; until then no hint
// verifies.
@Injectable()
export class IdTokenHints {
  private reader: IdTokenHintReader | null = null;

  register(reader: IdTokenHintReader): void {
    this.reader = reader;
  }

  subjectOf(hint: string, clientId: string): Promise<string | null> {
    return this.reader ? this.reader(hint, clientId) : Promise.resolve(null);
  }
}
