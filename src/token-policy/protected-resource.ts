/** RFC 9728 §3: where a protected resource publishes its metadata. */
export const PROTECTED_RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/**
 * RFC 9728 §3.1: the well-known path goes between the host and the resource identifier's path
 * (without a trailing slash), so that one host can describe several resources. Answers the path
 * the metadata of `resource` is served at.
 */
export function protectedResourceMetadataPath(resource: string): string {
  return `${PROTECTED_RESOURCE_METADATA_PATH}${new URL(resource).pathname.replace(/\/+$/, '')}`;
}
