import { InitialSchema1763800000000 } from './1763800000000-initial-schema.js';

/** Every migration, oldest first. Listed by hand so the build needs no file globbing at run time. */
export const migrations = [InitialSchema1763800000000];
