import { Injectable } from '@nestjs/common';
import type { HttpResponse } from '../common/http';
import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The package root holds views/ and public/, both from src/ (tests) and dist/src/ (built).
export function packageRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`package.json not found above ${from}`);
    }
    dir = parent;
  }
  return dir;
}

// Server-rendered pages. Handlebars escapes every {{value}}, so a client name or a reflected
// parameter cannot become markup.
@Injectable()
export class PagesService {
  private readonly templates = new Map<string, Handlebars.TemplateDelegate>();
  private readonly layout: Handlebars.TemplateDelegate;

  constructor() {
    const dir = join(packageRoot(), 'views');
    const handlebars = Handlebars.create();
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.hbs'))) {
      const template = handlebars.compile(readFileSync(join(dir, file), 'utf8'), { strict: true });
      this.templates.set(file.replace(/\.hbs$/, ''), template);
    }
    this.layout = this.templates.get('layout') as Handlebars.TemplateDelegate;
  }

  // `page`: a template of views/ (its file name without .hbs). A page for a signed-in user (the
  // request carries the user and the session) gets the bar with who is signed in and Sign out.
  render(response: HttpResponse, status: number, page: string, context: Record<string, unknown>) {
    const template = this.templates.get(page);
    if (!template) {
      throw new Error(`no page template named ${page}`);
    }
    const body = template(context);
    const { user, browserSession } = response.request;
    const account =
      user && browserSession
        ? { username: user.username, csrfToken: browserSession.data.csrfToken }
        : null;
    response
      .status(status)
      .type('text/html; charset=utf-8')
      .send(this.layout({ title: context.title, body, account }));
  }
}
