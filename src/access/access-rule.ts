import { type ScopeDefinition } from '../scopes/scope-definition.js';

/**
 * Which resources a guarded route acts on, which decides where a project-scoped token may go:
 * - `organization`: the caller's organization and what it holds (clients, users, settings, projects as a collection, policies, audit);
 * - `project`: one project's resources (the project itself, its tables): a project-scoped token reaches its own project only;
 * - `self`: the calling user's own identity and credentials (userinfo, personal access tokens);
 * - `platform`: what spans organizations (signing keys, creating and deleting organizations).
 */
export type Reach = 'organization' | 'project' | 'self' | 'platform';

/** What a guarded route requires: declared once, by `@Authenticated`, and enforced by the access policy. */
export interface RouteRule {
  readonly scope: ScopeDefinition;
  readonly reach: Reach;
}
