import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './pages.service';

// The one stylesheet of the hosted pages, served by us: pages load nothing from other origins.
@ApiExcludeController()
@Controller('static')
export class StylesheetController {
  private readonly css = readFileSync(join(packageRoot(), 'public', 'portcullis.css'), 'utf8');

  @Get('portcullis.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'public, max-age=3600')
  stylesheet(): string {
    return this.css;
  }
}
