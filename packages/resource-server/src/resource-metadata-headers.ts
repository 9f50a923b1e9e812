/** The protected resource metadata is public and changes with a deployment: any origin may read it (browser-based clients), and cache it for a while. */
export const RESOURCE_METADATA_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'public, max-age=300' });
