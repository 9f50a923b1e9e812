import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyRequest } from 'fastify';
import { parse, type AnyNode } from '@humanwhocodes/momoa';

/** Deepest nesting of objects and arrays a JSON body may have: no request of the API needs more than a few levels. */
export const MAX_JSON_DEPTH = 32;

const BYTE_ORDER_MARK = '\uFEFF';

/**
 * The request body parsers: the one place where bodies are read, for every route (API, OAuth
 * endpoints and pages alike), so that no route sees a body that another would refuse. A refusal
 * is a 400 (415 for a charset other than UTF-8), reported in each route's own error format.
 *
 * - JSON: one leading byte-order mark is dropped (RFC 8259 §8.1 lets a parser ignore it) and
 *   the same text is then checked and parsed. The check refuses nesting deeper than
 *   MAX_JSON_DEPTH (before anything recursive reads it: a deep body would otherwise overflow the
 *   stack of the checker or of class-transformer) and any object that repeats a key, which
 *   `JSON.parse` would silently resolve to the last value. Text the checker cannot read is
 *   refused, never passed on unchecked. The parse is Fastify's secure parser (which refuses
 *   `__proto__` and `constructor.prototype`).
 * - Forms: a repeated parameter is refused (RFC 6749 §3.1: parameters MUST NOT be included more
 *   than once), so every route sees single string values.
 * - Nothing else: Fastify's text/plain parser is removed, so other content types get 415.
 */
export function registerBodyParsers(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const secureJsonParse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    let text: string;
    try {
      requireUtf8(request);
      text = checkedJsonText(body as string);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    secureJsonParse(request, text, done);
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    try {
      requireUtf8(request);
      done(null, parseForm(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Bodies are decoded as UTF-8: a body that says it is in another charset would be read as something it is not. */
function requireUtf8(request: FastifyRequest): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new UnsupportedMediaTypeException(`Unsupported charset ${JSON.stringify(charset)}: send the body in UTF-8`);
  }
}

/**
 * The text of a JSON body to parse: `body` without a leading byte-order mark, once checked for
 * depth, syntax and repeated keys. Throws a BadRequestException saying what is wrong.
 */
export function checkedJsonText(body: string): string {
  const text = body.startsWith(BYTE_ORDER_MARK) ? body.slice(BYTE_ORDER_MARK.length) : body;
  if (text.trim() === '') throw new BadRequestException('The JSON body is empty');
  if (exceedsDepth(text, MAX_JSON_DEPTH)) throw new BadRequestException(`The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep`);
  let root: AnyNode;
  try {
    root = parse(text).body;
  } catch (error) {
    throw new BadRequestException(`The body is not valid JSON: ${(error as Error).message}`);
  }
  const duplicate = findDuplicateKey(root);
  if (duplicate !== undefined) throw new BadRequestException(`The JSON body repeats the key ${JSON.stringify(duplicate)}`);
  return text;
}

/**
 * Whether objects and arrays nest more than `limit` deep. A linear scan that skips strings (the
 * brackets in `"[["` are not nesting): it runs before any recursive reader, so it must not recurse.
 */
export function exceedsDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index += 1; // backslash: the next character is escaped
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === 0x7d || code === 0x5d) {
      depth -= 1;
    }
  }
  return false;
}

/** The first key that appears twice in one object of the document, or undefined. */
function findDuplicateKey(root: AnyNode): string | undefined {
  const pending: AnyNode[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'Object') {
      const seen = new Set<string>();
      for (const member of node.members) {
        const name = member.name.type === 'String' ? member.name.value : member.name.name;
        if (seen.has(name)) return name;
        seen.add(name);
        pending.push(member.value);
      }
    } else if (node.type === 'Array') {
      for (const element of node.elements) pending.push(element.value);
    }
  }
  return undefined;
}

/**
 * An application/x-www-form-urlencoded body (WHATWG URL's parser, as browsers encode forms) as
 * one string per parameter; a parameter sent twice is refused.
 */
export function parseForm(body: string): Record<string, string> {
  const form = Object.create(null) as Record<string, string>;
  for (const [name, value] of new URLSearchParams(body)) {
    if (name in form) throw new BadRequestException(`The parameter ${name} is repeated; send each parameter once`);
    form[name] = value;
  }
  return form;
}
