import formBody from '@fastify/formbody';
import { BadRequestException } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse, type AnyNode } from '@humanwhocodes/momoa';

/**
 * The request body parsers. Form bodies go through @fastify/formbody, which turns a repeated
 * parameter into an array (the token endpoint refuses those). JSON bodies are parsed by Fastify's
 * own secure parser (which refuses `__proto__` and `constructor.prototype`), after a check that
 * no object repeats a key: `JSON.parse` would silently keep the last value, so
 * `{"scopes": [], "scopes": ["client:create"]}` would not mean what it appears to mean.
 */
export async function registerBodyParsers(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const secureJsonParse = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const duplicate = findDuplicateKey(body as string);
    if (duplicate !== undefined) {
      done(new BadRequestException(`The JSON body repeats the key ${JSON.stringify(duplicate)}`), undefined);
      return;
    }
    secureJsonParse(request, body as string, done);
  });
  await app.register(formBody);
}

/** The first key that appears twice in one JSON object, or undefined (also for malformed JSON, left to the parser to report). */
export function findDuplicateKey(text: string): string | undefined {
  let root: AnyNode;
  try {
    root = parse(text).body;
  } catch {
    return undefined;
  }
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
