import { useState } from 'react';
import { Alert, Badge, Button, Code, Divider, Group, Modal, NumberInput, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import { MAX_TOKEN_LIFESPAN_SECONDS, type Organization, organizationPath, REALM_NAME, useOwnOrganization } from '../admin-api';
import { useCan } from '../session';
import { DIALOG, ErrorAlert } from '../components/common';

type SettingsErrors = { name?: string; displayName?: string; lifespan?: string };

function settingsProblems(displayName: string, lifespan: string | number): SettingsErrors {
  const errors: SettingsErrors = {};
  if (displayName.trim() === '') errors.displayName = 'Give the organization a display name';
  else if (displayName.trim().length > 200) errors.displayName = 'At most 200 characters';
  if (lifespan !== '' && (!Number.isInteger(Number(lifespan)) || Number(lifespan) < 1 || Number(lifespan) > MAX_TOKEN_LIFESPAN_SECONDS)) errors.lifespan = `Whole seconds, from 1 to ${MAX_TOKEN_LIFESPAN_SECONDS} (a day)`;
  return errors;
}

const none = (errors: object) => Object.values(errors).every((problem) => problem === undefined);

/**
 * Organizations (Keycloak's realms) and their settings: Imply Hybrid's OAuth feature flag, the
 * default token lifespan, Polaris's project-scoped token rule, Keycloak's not-before push. A
 * platform administrator (`organization:create`, `organization:delete`) sees every organization,
 * creates and deletes them, and changes the settings of its own only; anyone else sees their own.
 */
export function OrganizationsPage() {
  const can = useCan();
  const { organizations, organization: own } = useOwnOrganization();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Organization>();
  const [deleted, setDeleted] = useState<string>();
  const [open, setOpen] = useState<string>();
  const [deleting, setDeleting] = useState<Organization>();
  const selected = organizations.data?.find((organization) => organization.id === open);
  // The API changes no other organization's settings and deletes neither the built-in organization nor the caller's own.
  const isOwn = (organization: Organization) => organization.id === own?.id;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Organizations</Title>
        {can('organization:create') && <Button onClick={() => setCreating(true)}>Create organization</Button>}
      </Group>
      {created && <Text size="sm" role="status">The organization {created.display_name} (<Code>{created.name}</Code>) was created.</Text>}
      {deleted && <Text size="sm" role="status">The organization {deleted} was deleted.</Text>}
      <ErrorAlert error={organizations.error} title="Could not list the organizations" />
      <Table aria-label="Organizations" aria-busy={organizations.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Organization</Table.Th>
            <Table.Th>Realm</Table.Th>
            <Table.Th>OAuth</Table.Th>
            <Table.Th>Default token lifespan</Table.Th>
            <Table.Th>Project-scoped tokens</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {organizations.data?.map((organization) => (
            <Table.Tr key={organization.id}>
              <Table.Td>{organization.display_name}</Table.Td>
              <Table.Td><Code>{organization.name}</Code></Table.Td>
              <Table.Td><Badge color={organization.oauth_enabled ? 'green' : 'gray'} variant="light">{organization.oauth_enabled ? 'Enabled' : 'Disabled'}</Badge></Table.Td>
              <Table.Td>{organization.access_token_lifespan === null ? 'Server default' : `${organization.access_token_lifespan} s`}</Table.Td>
              <Table.Td>{organization.require_project_scoped_tokens ? 'Required' : 'Optional'}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Button size="xs" variant="default" onClick={() => setOpen(organization.id)} aria-label={`Settings of ${organization.display_name}`}>Settings</Button>
                  {can('organization:delete') && !isOwn(organization) && (
                    <Button size="xs" variant="outline" color="red" onClick={() => setDeleting(organization)} aria-label={`Delete ${organization.display_name}`}>Delete</Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {creating && (
        <CreateOrganizationDialog
          onClose={() => setCreating(false)}
          onCreated={(organization) => {
            setDeleted(undefined);
            setCreated(organization);
          }}
        />
      )}
      {selected && <SettingsDialog key={selected.id} organization={selected} editable={can('organization:update') && isOwn(selected)} onClose={() => setOpen(undefined)} />}
      {deleting && (
        <DeleteOrganizationDialog
          organization={deleting}
          onClose={() => setDeleting(undefined)}
          onDeleted={() => {
            setCreated(undefined);
            setDeleted(deleting.display_name);
          }}
        />
      )}
    </Stack>
  );
}

/** A new organization (realm): its name, checked before sending, and its first settings; a refusal is shown by the field it is about, and the form keeps what was typed. */
function CreateOrganizationDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (organization: Organization) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [oauthEnabled, setOauthEnabled] = useState(false);
  const [lifespan, setLifespan] = useState<string | number>('');
  const [projectScoped, setProjectScoped] = useState(true);
  const [errors, setErrors] = useState<SettingsErrors>({});
  const create = useMutation({
    mutationFn: () =>
      api<Organization>('POST', '/api/v1/organizations', {
        name,
        display_name: displayName.trim(),
        oauth_enabled: oauthEnabled,
        require_project_scoped_tokens: projectScoped,
        ...(lifespan !== '' && { access_token_lifespan: Number(lifespan) }),
      }),
    onSuccess: async (organization) => {
      await queryClient.invalidateQueries({ queryKey: ['organizations'] });
      onCreated(organization);
      onClose();
    },
    // A taken name is a 409 whose message is about the name.
    onError: (error) =>
      error instanceof ApiError && setErrors({ name: error.status === 409 ? error.message : error.about('name'), displayName: error.about('display_name'), lifespan: error.about('access_token_lifespan') }),
  });
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const found = { ...settingsProblems(displayName, lifespan), name: REALM_NAME.test(name) ? undefined : 'Lower-case letters, digits and dashes, starting with a letter or digit, at most 64' };
    setErrors(found);
    if (none(found)) create.mutate();
  };
  return (
    <Modal opened onClose={onClose} title="Create organization" {...DIALOG}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Realm name" description="In its URLs (/auth/realms/…); it cannot change later" required value={name} onChange={(event) => setName(event.currentTarget.value)} error={errors.name} data-autofocus />
          <TextInput label="Display name" required value={displayName} onChange={(event) => setDisplayName(event.currentTarget.value)} error={errors.displayName} />
          <Switch label="OAuth enabled" description="No token is issued or accepted for the organization while this is off" checked={oauthEnabled} onChange={(event) => setOauthEnabled(event.currentTarget.checked)} />
          <NumberInput label="Default access token lifespan (seconds)" description="Empty: the server's default" value={lifespan} onChange={setLifespan} error={errors.lifespan} min={1} max={MAX_TOKEN_LIFESPAN_SECONDS} clampBehavior="none" allowDecimal={false} />
          <Switch label="Require project-scoped tokens" description="Project resources refuse tokens without the project's scope" checked={projectScoped} onChange={(event) => setProjectScoped(event.currentTarget.checked)} />
          {/* A refusal about a field is shown by that field only. */}
          {none(errors) && <ErrorAlert error={create.error} title="The organization was not created" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={create.isPending}>Create</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** One organization's settings (read only but for the caller's own); the OAuth flag applies at once, as a switch does, and the not-before push asks first. */
function SettingsDialog({ organization, editable, onClose }: { organization: Organization; editable: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [displayName, setDisplayName] = useState(organization.display_name);
  const [lifespan, setLifespan] = useState<string | number>(organization.access_token_lifespan ?? '');
  const [projectScoped, setProjectScoped] = useState(organization.require_project_scoped_tokens);
  const [errors, setErrors] = useState<SettingsErrors>({});
  const [confirming, setConfirming] = useState(false);
  const path = organizationPath(organization.name);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['organizations'] });
  const oauth = useMutation({ mutationFn: (enabled: boolean) => api<Organization>('PUT', path, { oauth_enabled: enabled }), onSuccess: refresh });
  const save = useMutation({
    mutationFn: () => api<Organization>('PUT', path, { display_name: displayName.trim(), require_project_scoped_tokens: projectScoped, ...(lifespan !== '' && { access_token_lifespan: Number(lifespan) }) }),
    onSuccess: refresh,
    onError: (error) => error instanceof ApiError && setErrors({ displayName: error.about('display_name'), lifespan: error.about('access_token_lifespan') }),
  });
  const push = useMutation({
    mutationFn: () => api<{ not_before: string }>('POST', `${path}/not-before`),
    onSuccess: async () => {
      setConfirming(false);
      await refresh();
    },
  });
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const found = settingsProblems(displayName, lifespan);
    setErrors(found);
    if (none(found)) save.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={`Settings of ${organization.display_name}`} size="lg" {...DIALOG}>
      <Stack>
        <Text size="sm">Realm <Code>{organization.name}</Code>, issuer <Code className="secret">{organization.issuer}</Code></Text>
        <div>
          <Switch label="OAuth enabled" description="The OAuth feature flag: no token is issued or accepted for the organization while it is off" checked={organization.oauth_enabled} disabled={!editable || oauth.isPending} onChange={(event) => oauth.mutate(event.currentTarget.checked)} />
          <ErrorAlert error={oauth.error} title={organization.oauth_enabled ? 'OAuth was not turned off' : 'OAuth was not turned on'} />
        </div>
        <Divider />
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput label="Display name" required value={displayName} onChange={(event) => setDisplayName(event.currentTarget.value)} error={errors.displayName} readOnly={!editable} />
            <NumberInput label="Default access token lifespan (seconds)" description="For clients that set none" value={lifespan} onChange={setLifespan} error={errors.lifespan} min={1} max={MAX_TOKEN_LIFESPAN_SECONDS} clampBehavior="none" allowDecimal={false} readOnly={!editable} />
            <Switch label="Require project-scoped tokens" description="Project resources refuse tokens without the project's scope" checked={projectScoped} onChange={(event) => setProjectScoped(event.currentTarget.checked)} disabled={!editable} />
            <ErrorAlert error={save.error} title="The settings were not saved" />
            {save.isSuccess && <Text size="sm" role="status">Saved.</Text>}
            {editable && (
              <Group justify="flex-end">
                <Button type="submit" loading={save.isPending}>Save settings</Button>
              </Group>
            )}
          </Stack>
        </form>
        {editable && (
          <>
            <Divider />
            <Text size="sm">
              Push not-before: every token of every client of the organization issued until now is refused.
              {organization.not_before ? ` Last pushed ${new Date(organization.not_before).toLocaleString()}.` : ''}
            </Text>
            {confirming ? (
              <Alert color="yellow" title="Refuse every token issued until now?">
                <Group mt="xs">
                  <Button variant="default" onClick={() => setConfirming(false)}>Cancel</Button>
                  <Button color="red" loading={push.isPending} onClick={() => push.mutate()}>Push not-before</Button>
                </Group>
              </Alert>
            ) : (
              <Group><Button variant="outline" color="red" onClick={() => setConfirming(true)}>Push not-before…</Button></Group>
            )}
            {push.isSuccess && <Text size="sm" role="status">Tokens issued before {new Date(push.data.not_before).toLocaleString()} are refused.</Text>}
            <ErrorAlert error={push.error} title="The not-before was not pushed" />
          </>
        )}
      </Stack>
    </Modal>
  );
}

/**
 * Deleting an organization takes its clients, projects, roles, APIs and memberships with it: the
 * dialog names it, and the Delete button waits until its realm name is typed.
 */
function DeleteOrganizationDialog({ organization, onClose, onDeleted }: { organization: Organization; onClose: () => void; onDeleted: () => void }) {
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState('');
  const [mismatch, setMismatch] = useState<string>();
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', organizationPath(organization.name)),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['organizations'] });
      onDeleted();
      onClose();
    },
  });
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (typed.trim() !== organization.name) {
      setMismatch(`Type ${organization.name} exactly to confirm`);
      return;
    }
    setMismatch(undefined);
    remove.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={`Delete ${organization.display_name}`} {...DIALOG}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text>
            Delete the organization <strong>{organization.display_name}</strong> (realm <Code>{organization.name}</Code>)? Its clients, projects, roles and APIs are deleted with it, its
            members lose their place in it, and every one of its tokens is refused. This cannot be undone.
          </Text>
          <TextInput label={`Type ${organization.name} to confirm`} value={typed} onChange={(event) => setTyped(event.currentTarget.value)} error={mismatch} autoComplete="off" spellCheck={false} data-autofocus />
          <ErrorAlert error={remove.error} title="The organization was not deleted" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" color="red" loading={remove.isPending}>Delete {organization.name}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
