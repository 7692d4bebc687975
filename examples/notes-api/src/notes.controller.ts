import { Body, Controller, Get, Post } from '@nestjs/common';
import { Public, Scopes, TokenClaims } from '@portcullis/nest-resource-server';

type Note = { id: number; text: string; author: string };
type Claims = { sub?: string; client_id?: string };

// Every route needs a Portcullis access token for this API unless it is @Public().
@Controller()
export class NotesController {
  private readonly notes: Note[] = [];

  @Get('health')
  @Public()
  health() {
    return { status: 'ok' };
  }

  @Get('notes')
  @Scopes('notes:read')
  list(@TokenClaims() claims: Claims) {
    return { notes: this.notes, caller: caller(claims) };
  }

  @Post('notes')
  @Scopes('notes:write')
  create(@Body() body: { text?: unknown }, @TokenClaims() claims: Claims) {
    const who = caller(claims);
    const note = {
      id: this.notes.length + 1,
      text: typeof body?.text === 'string' ? body.text : '',
      author: who.sub,
    };
    this.notes.push(note);
    return { note, caller: who };
  }
}

// A client_credentials token's sub is the client itself; a user's token names the user.
function caller(claims: Claims) {
  return { sub: String(claims.sub), client_id: String(claims.client_id) };
}
