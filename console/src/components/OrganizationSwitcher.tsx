import { useSyncExternalStore } from 'react';
import { Button, Group, Text } from '@mantine/core';
import { currentSession, signIn, subscribe } from '../auth';
import { useOwnOrganization } from '../admin-api';

/**
 * The organization the console acts in, and the switch to another. The console is an app of the
 * built-in organization, so it can ask for Polar's organization token (`sub_type=organization`):
 * the same sign-in flow, where Gatehouse's consent page lists the user's organizations (no API
 * lists them to the console) and the token carries what the user's role there gives.
 */
export function OrganizationSwitcher() {
  const session = useSyncExternalStore(subscribe, currentSession);
  const current = useOwnOrganization().organization;
  return (
    <Group gap="xs">
      {current && (
        <Text size="sm" data-testid="current-organization">
          {session?.forOrganization ? 'Acting for ' : ''}<strong>{current.display_name}</strong>
        </Text>
      )}
      <Button variant="default" size="xs" onClick={() => void signIn('/', 'organization')}>Switch organization</Button>
      {session?.forOrganization && (
        <Button variant="default" size="xs" onClick={() => void signIn('/', 'user')}>Back to my account</Button>
      )}
    </Group>
  );
}
