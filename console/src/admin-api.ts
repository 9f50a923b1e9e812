import { useSyncExternalStore } from 'react';
import { useQuery } from '@tanstack/react-query';
import { currentSession, subscribe } from './auth';
import { api } from './api';
import { useCan } from './session';

/** The organizations, projects and users APIs' shapes (src/organizations, src/projects, src/users). */
export interface Organization {
  id: string;
  name: string;
  display_name: string;
  oauth_enabled: boolean;
  access_token_lifespan: number | null;
  require_project_scoped_tokens: boolean;
  open_registration: boolean;
  not_before: string | null;
  issuer: string;
  token_endpoint: string;
  created_at: string;
  updated_at: string;
}

export interface Project {
  id: string;
  organization_id: string;
  name: string;
  description: string | null;
  scope: string;
  created_at: string;
  updated_at: string;
}

export interface User {
  id: string;
  email: string;
  name: string | null;
  email_verified: boolean;
  disabled: boolean;
  /** `invited` until the user accepts: an invitation gives nothing here meanwhile. */
  memberships: { organization_id: string; role: string; status: 'active' | 'invited' }[];
  created_at: string;
  updated_at: string;
  /** Only in the answer that creates (or sends again) an invitation: the one-time link the invited person accepts with. */
  invitation_url?: string;
}

/** The API's limits, checked by the forms before sending (src/*\/dto). */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;
export const MAX_TOKEN_LIFESPAN_SECONDS = 86400;
export const REALM_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export const organizationPath = (name: string) => `/api/v1/organizations/${encodeURIComponent(name)}`;

/** The organizations the signed-in token sees: its own, or every one for a platform administrator. */
export function useOrganizations() {
  const can = useCan();
  return useQuery({ queryKey: ['organizations'], queryFn: () => api<Organization[]>('GET', '/api/v1/organizations'), enabled: can('organization:read') });
}

/**
 * The organization the signed-in token acts in: the one its `org_id` names, of those listed (a
 * platform administrator lists every organization; anyone else, their own only).
 */
export function useOwnOrganization() {
  const organizations = useOrganizations();
  const organizationId = useSyncExternalStore(subscribe, currentSession)?.organizationId;
  const organization = organizations.data?.find((candidate) => candidate.id === organizationId) ?? (organizations.data?.length === 1 ? organizations.data[0] : undefined);
  return { organizations, organization };
}
