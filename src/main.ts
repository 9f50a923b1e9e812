import { setFlagsFromString } from 'node:v8';

/**
 * The process entry point (`node dist/main.js`). It sets V8's garbage-collection policy first and
 * only then loads the server, so the policy holds from the first allocation the server makes,
 * however Gatehouse is started (npm start, a container, node:cluster workers).
 *
 * Allocation-site pretenuring makes V8 allocate straight into the old generation objects from
 * sites whose objects often outlive a young-generation collection. Under concurrent load most of
 * a request's objects are still in flight at a scavenge, so V8 pretenures them, though they die
 * milliseconds later: old space then fills with garbage that only a full mark-compact reclaims.
 * Measured side by side on this machine (bench/README.md), in two interleaved runs: with
 * pretenuring off, CPU per request fell 7-17% on the token endpoint and 17-32% on a bearer GET,
 * and resident memory under load stayed at 160-200 MB instead of swinging between 170 and 290 MB.
 */
setFlagsFromString('--no-allocation-site-pretenuring');

await import('./server.js');
