import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { PublicRoute } from '../access/route-access.js';
import { DOCUMENT_SECURITY_HEADERS } from '../common/html/document-security-headers.js';
import { ConsoleFiles } from './console-files.js';

/**
 * The console's policy: its own scripts, styles and API only. Mantine's styles ship as a CSS
 * file and its theme variables are the static defaults (the console disables the `<style>` tags
 * it would inject), so no inline style or script is allowed; style attributes React sets through
 * the CSSOM are not subject to CSP.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The admin console: a single-page app, served from its build; any other path below /console is one of its routes. */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  private readonly files = ConsoleFiles.load();

  @Get()
  @PublicRoute('The admin console: static files of a single-page app that signs its user in through the authorization endpoint and calls the API with their token')
  index(@Res() reply: FastifyReply): void {
    this.sendIndex(reply);
  }

  @Get('*')
  @PublicRoute('The admin console: static files of a single-page app that signs its user in through the authorization endpoint and calls the API with their token')
  file(@Param('*') name: string, @Res() reply: FastifyReply): void {
    const file = this.files.file(name);
    if (file) {
      this.headers(reply).header('Cache-Control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache').type(file.type).send(file.body);
    } else if (name.startsWith('assets/') || /\.[a-z0-9]+$/i.test(name)) {
      // A missing file is a 404, not the app: a stale hashed asset must fail loudly rather than load HTML as a script.
      this.headers(reply).status(404).header('Cache-Control', 'no-cache').type('text/plain; charset=utf-8').send('Not found');
    } else {
      this.sendIndex(reply);
    }
  }

  private sendIndex(reply: FastifyReply): void {
    const index = this.files.index;
    if (!index) {
      this.headers(reply).status(503).header('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send('The console is not built: run npm run build');
      return;
    }
    // Revalidated on every load, so a new release's hashed assets are picked up at once.
    this.headers(reply).header('Cache-Control', 'no-cache').type(index.type).send(index.body);
  }

  private headers(reply: FastifyReply): FastifyReply {
    return reply.headers(DOCUMENT_SECURITY_HEADERS).header('Content-Security-Policy', CONSOLE_CONTENT_SECURITY_POLICY).header('Referrer-Policy', 'no-referrer');
  }
}
