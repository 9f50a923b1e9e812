import { useState } from 'react';
import { Alert, Anchor, Button, Checkbox, Code, Group, Modal, Select, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, ApiError, type CatalogScope, type Consent, type CreatedPersonalAccessToken, type Invitation, type PersonalAccessToken } from '../api';
import { useActsForOrganization, useCan, useScopes } from '../session';
import { CopyValue, DIALOG, ErrorAlert } from '../components/common';

/** Scopes that are no privilege to hand a token (identity), or that a personal access token may never carry. */
const NOT_FOR_TOKENS = new Set(['openid', 'profile', 'email', 'token:personal']);
const EXPIRIES = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '366', label: 'A year (366 days)' },
];
const date = (value: string) => new Date(value).toLocaleDateString();

/** Polar's "user settings", for every signed-in user: their personal access tokens, the apps they allowed, and their own OAuth apps. */
export function SettingsPage() {
  const can = useCan();
  if (useActsForOrganization()) {
    return (
      <Stack>
        <Title order={1}>Your settings</Title>
        <Text>The console is acting for an organization, not for you: switch back to yourself to manage your personal access tokens and the apps you allowed.</Text>
      </Stack>
    );
  }
  return (
    <Stack gap="xl">
      <Title order={1}>Your settings</Title>
      {can('invitation:personal') && <Invitations />}
      {can('token:personal') && <PersonalTokens />}
      {can('consent:personal') && <AllowedApps />}
      <section aria-labelledby="own-apps">
        <Title order={2} id="own-apps" mb="xs">Your OAuth apps</Title>
        {can('client:read') ? (
          <Text>
            Apps you register belong to your organization: find, create and manage them on the{' '}
            <Anchor component={Link} href="/clients" underline="always">OAuth clients</Anchor> page.
          </Text>
        ) : (
          <Text>Your role does not let you register OAuth apps; an administrator of your organization can.</Text>
        )}
      </section>
    </Stack>
  );
}

function PersonalTokens() {
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: ['personal-tokens'], queryFn: () => api<PersonalAccessToken[]>('GET', '/api/v1/users/me/tokens') });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedPersonalAccessToken>();
  const [revoking, setRevoking] = useState<PersonalAccessToken>();
  const revoke = useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/api/v1/users/me/tokens/${encodeURIComponent(id)}`),
    onSuccess: async () => {
      setRevoking(undefined);
      await queryClient.invalidateQueries({ queryKey: ['personal-tokens'] });
    },
  });
  return (
    <section aria-labelledby="personal-tokens">
      <Group justify="space-between" mb="xs">
        <Title order={2} id="personal-tokens">Personal access tokens</Title>
        <Button onClick={() => setCreating(true)}>Create token</Button>
      </Group>
      <Text size="sm" mb="sm">
        A personal access token calls the API as you (<Code>Authorization: Bearer gat_pat_…</Code>), with the scopes you pick among those your role gives you, until it expires or you revoke it.
      </Text>
      <ErrorAlert error={tokens.error} title="Could not list your tokens" />
      <Table striped aria-label="Personal access tokens">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Starts with</Table.Th>
            <Table.Th>Scopes</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.data?.map((token) => (
            <Table.Tr key={token.id}>
              <Table.Td>{token.name}</Table.Td>
              <Table.Td><Text size="sm" ff="monospace">{token.token_prefix}…</Text></Table.Td>
              <Table.Td><Text size="sm" ff="monospace">{token.scopes.join(' ') || '—'}</Text></Table.Td>
              <Table.Td>{date(token.expires_at)}</Table.Td>
              <Table.Td>{date(token.created_at)}</Table.Td>
              <Table.Td>
                <Button size="xs" variant="outline" color="red" onClick={() => { revoke.reset(); setRevoking(token); }} aria-label={`Revoke ${token.name}`}>Revoke</Button>
              </Table.Td>
            </Table.Tr>
          ))}
          {tokens.data?.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={6}>No personal access tokens.</Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      <CreateTokenDialog opened={creating} onClose={() => setCreating(false)} onCreated={setCreated} />
      <Modal opened={created !== undefined} onClose={() => setCreated(undefined)} title="Your new token" size="lg" closeOnClickOutside={false} {...DIALOG}>
        {created && (
          <Stack>
            <Alert color="blue" title="Copy the token now">
              You will not see it again: Gatehouse keeps only a hash of it. If you lose it, revoke it and create another.
            </Alert>
            <Group gap="xs" wrap="nowrap">
              <Code className="secret" data-testid="personal-token">{created.token}</Code>
              <CopyValue value={created.token} label="personal access token" />
            </Group>
            <Group justify="flex-end">
              <Button onClick={() => setCreated(undefined)}>I have copied it</Button>
            </Group>
          </Stack>
        )}
      </Modal>
      <Modal opened={revoking !== undefined} onClose={() => setRevoking(undefined)} title="Revoke token" {...DIALOG}>
        <Stack>
          <Text>Revoke <strong>{revoking?.name}</strong> ({revoking?.token_prefix}…)? Anything still using it is refused at once.</Text>
          <ErrorAlert error={revoke.error} title="The token was not revoked" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(undefined)}>Cancel</Button>
            <Button color="red" loading={revoke.isPending} onClick={() => revoke.mutate(revoking!.id)}>Revoke {revoking?.name}</Button>
          </Group>
        </Stack>
      </Modal>
    </section>
  );
}

function CreateTokenDialog({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (token: CreatedPersonalAccessToken) => void }) {
  const can = useCan();
  const queryClient = useQueryClient();
  // What the signed-in token holds is what the user's role gives them here (the API refuses more).
  const grantable = [...useScopes()].filter((scope) => !NOT_FOR_TOKENS.has(scope)).sort();
  const catalog = useQuery({ queryKey: ['scopes'], queryFn: () => api<CatalogScope[]>('GET', '/api/v1/oauth/scope'), enabled: opened && can('scope:read') });
  const described = new Map(catalog.data?.map((scope) => [scope.name, scope.description]));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiry, setExpiry] = useState('30');
  const [errors, setErrors] = useState<{ name?: string; scopes?: string }>({});
  const create = useMutation({
    mutationFn: () => api<CreatedPersonalAccessToken>('POST', '/api/v1/users/me/tokens', { name: name.trim(), scopes, expires_in_days: Number(expiry) }),
    onSuccess: async (token) => {
      await queryClient.invalidateQueries({ queryKey: ['personal-tokens'] });
      setName('');
      setScopes([]);
      setExpiry('30');
      onClose();
      onCreated(token);
    },
    onError: (error) => {
      if (error instanceof ApiError) setErrors({ name: error.about('name'), scopes: error.about('scopes') });
    },
  });
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (!name.trim()) found.name = 'Name the token, to recognise it later';
    else if (name.trim().length > 100) found.name = 'At most 100 characters';
    setErrors(found);
    if (!found.name) create.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Create personal access token" size="lg" {...DIALOG}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} error={errors.name} description="What it is for, like CI deploys" />
          <Select label="Expires in" data={EXPIRIES} value={expiry} onChange={(value) => setExpiry(value ?? '30')} allowDeselect={false} comboboxProps={{ withinPortal: true }} />
          <Checkbox.Group label="Scopes" description="Among those your role gives you. A token with none only proves who you are." value={scopes} onChange={setScopes} error={errors.scopes}>
            <Stack gap={4} mt="xs">
              {grantable.map((scope) => (
                <Checkbox key={scope} value={scope} label={scope} description={described.get(scope)} />
              ))}
            </Stack>
          </Checkbox.Group>
          <ErrorAlert error={create.error} title="The token was not created" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={create.isPending}>Create</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function AllowedApps() {
  const queryClient = useQueryClient();
  const consents = useQuery({ queryKey: ['consents'], queryFn: () => api<Consent[]>('GET', '/api/v1/users/me/consents') });
  const [revoking, setRevoking] = useState<Consent>();
  const revoke = useMutation({
    mutationFn: (clientId: string) => api<void>('DELETE', `/api/v1/users/me/consents/${encodeURIComponent(clientId)}`),
    onSuccess: async () => {
      setRevoking(undefined);
      await queryClient.invalidateQueries({ queryKey: ['consents'] });
    },
  });
  return (
    <section aria-labelledby="allowed-apps">
      <Title order={2} id="allowed-apps" mb="xs">Apps you allowed</Title>
      <Text size="sm" mb="sm">Apps you let act for you. Revoking access signs the app out: its tokens stop working, and it must ask you again.</Text>
      <ErrorAlert error={consents.error} title="Could not list the apps you allowed" />
      <Table striped aria-label="Apps you allowed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>App</Table.Th>
            <Table.Th>Scopes</Table.Th>
            <Table.Th>Allowed on</Table.Th>
            <Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {consents.data?.map((consent) => (
            <Table.Tr key={consent.client_id}>
              {/* The client id tells apart two apps of the same name. */}
              <Table.Td><Text size="sm">{consent.client_name}</Text><Text size="xs" ff="monospace" className="secret">{consent.client_id}</Text></Table.Td>
              <Table.Td><Text size="sm" ff="monospace">{consent.scopes.join(' ')}</Text></Table.Td>
              <Table.Td>{date(consent.granted_at)}</Table.Td>
              <Table.Td>
                <Button size="xs" variant="outline" color="red" onClick={() => { revoke.reset(); setRevoking(consent); }} aria-label={`Revoke access of ${consent.client_name} (${consent.client_id})`}>Revoke access</Button>
              </Table.Td>
            </Table.Tr>
          ))}
          {consents.data?.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={4}>You have not allowed any app.</Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      <Modal opened={revoking !== undefined} onClose={() => setRevoking(undefined)} title="Revoke access" {...DIALOG}>
        <Stack>
          <Text>
            Take back what you allowed <strong>{revoking?.client_name}</strong> (<Code>{revoking?.client_id}</Code>)? Its tokens stop working at once.
          </Text>
          <ErrorAlert error={revoke.error} title="Access was not revoked" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(undefined)}>Cancel</Button>
            <Button color="red" loading={revoke.isPending} onClick={() => revoke.mutate(revoking!.client_id)}>Revoke access of {revoking?.client_name}</Button>
          </Group>
        </Stack>
      </Modal>
    </section>
  );
}

/** Organizations that invited the user: nothing there is theirs until they accept. Shown only when there are some. */
function Invitations() {
  const queryClient = useQueryClient();
  const invitations = useQuery({ queryKey: ['invitations'], queryFn: () => api<Invitation[]>('GET', '/api/v1/users/me/invitations') });
  const [accepting, setAccepting] = useState<string>();
  const [code, setCode] = useState('');
  const answer = useMutation({
    mutationFn: ({ organization, accept }: { organization: string; accept: boolean }) =>
      accept ? api<unknown>('POST', `/api/v1/users/me/invitations/${encodeURIComponent(organization)}/accept`, { code: code.trim() }) : api<unknown>('DELETE', `/api/v1/users/me/invitations/${encodeURIComponent(organization)}`),
    onSuccess: async () => {
      setAccepting(undefined);
      setCode('');
      await queryClient.invalidateQueries({ queryKey: ['invitations'] });
    },
  });
  if (!invitations.error && (invitations.data?.length ?? 0) === 0) return null;
  return (
    <section aria-labelledby="invitations">
      <Title order={2} id="invitations" mb="xs">Invitations</Title>
      <Text size="sm" mb="sm">Organizations that invited you. Accepting gives you the role in that organization; declining takes the invitation away.</Text>
      <ErrorAlert error={invitations.error ?? answer.error} title="Could not answer the invitation" />
      <Table striped aria-label="Invitations">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Organization</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Invited on</Table.Th>
            <Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {invitations.data?.map((invitation) => (
            <Table.Tr key={invitation.organization_id}>
              <Table.Td>{invitation.organization}</Table.Td>
              <Table.Td><Code>{invitation.role}</Code></Table.Td>
              <Table.Td>{date(invitation.invited_at)}</Table.Td>
              <Table.Td>
                <Group gap="xs">
                  <Button size="xs" onClick={() => { answer.reset(); setAccepting(invitation.organization); }} aria-label={`Accept the invitation of ${invitation.organization}`}>Accept</Button>
                  <Button size="xs" variant="outline" color="red" loading={answer.isPending} onClick={() => answer.mutate({ organization: invitation.organization, accept: false })} aria-label={`Decline the invitation of ${invitation.organization}`}>Decline</Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={accepting !== undefined} onClose={() => setAccepting(undefined)} title={`Join ${accepting ?? ''}`} {...DIALOG}>
        <form onSubmit={(event) => { event.preventDefault(); if (accepting && code.trim() !== '') answer.mutate({ organization: accepting, accept: true }); }}>
          <Stack>
            <Text size="sm">Paste the invitation link (or its code) that an administrator of {accepting} gave you.</Text>
            <TextInput label="Invitation link or code" required autoComplete="off" value={code} onChange={(event) => setCode(event.currentTarget.value)} data-autofocus />
            <ErrorAlert error={answer.error} title="The invitation was not accepted" />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAccepting(undefined)}>Cancel</Button>
              <Button type="submit" loading={answer.isPending} disabled={code.trim() === ''}>Accept the invitation</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </section>
  );
}
