import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Checkbox, Code, Group, List, Loader, Modal, Stack, Tabs, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { api, ApiError, type Client, clientPath, type Credentials, type Role, type TokenResponse } from '../api';
import { useCan } from '../session';
import { CopyValue, DIALOG, ErrorAlert, SecretDialog } from '../components/common';
import { apiFieldErrors, ClientFields, type ClientFieldValues, type FieldErrors, fieldsBody, validateFields, valuesOf } from '../components/ClientFields';
import { SecurityTab } from './ClientSecurityTab';
import { authMethodWords } from '../components/ClientSecurityFields';

/** One client: Polaris's tabs (Details, Client Permissions, Credentials), Security (DPoP, PAR, authentication, token exchange) and Imply Hybrid's Tokens tab. */
export function ClientPage({ id }: { id: string }) {
  const can = useCan();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const client = useQuery({ queryKey: ['client', id], queryFn: () => api<Client>('GET', clientPath(id)) });
  const [deleting, setDeleting] = useState(false);
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['client', id] });
    await queryClient.invalidateQueries({ queryKey: ['clients'] });
  };
  const toggle = useMutation({ mutationFn: (disabled: boolean) => api<Client>('PUT', clientPath(id), { disabled }), onSuccess: refresh });
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', clientPath(id)),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: ['client', id] });
      await queryClient.invalidateQueries({ queryKey: ['clients'] });
      navigate('/clients');
    },
  });

  if (client.isPending) return <Loader aria-label="Loading the client" />;
  if (client.isError) {
    return (
      <Stack>
        <Anchor component={Link} href="/clients">← OAuth clients</Anchor>
        <ErrorAlert error={client.error} title="Could not open the client" />
      </Stack>
    );
  }
  const data = client.data;
  const name = data.name ?? data.client_id;
  return (
    <Stack>
      <Anchor component={Link} href="/clients">← OAuth clients</Anchor>
      <Group justify="space-between">
        <Group>
          <Title order={1}>{name}</Title>
          <Badge color={data.disabled ? 'gray' : 'green'} variant="light">{data.disabled ? 'Disabled' : 'Enabled'}</Badge>
          <Badge variant="outline">{data.public ? 'Public' : 'Confidential'}</Badge>
        </Group>
        <Group>
          {can('client:update') && (
            <Button variant="default" loading={toggle.isPending} onClick={() => toggle.mutate(!data.disabled)}>
              {data.disabled ? 'Enable' : 'Disable'}
            </Button>
          )}
          {can('client:delete') && (
            <Button color="red" variant="outline" onClick={() => setDeleting(true)}>Delete</Button>
          )}
        </Group>
      </Group>
      <ErrorAlert error={toggle.error} title={data.disabled ? 'The client was not enabled' : 'The client was not disabled'} />
      <Tabs defaultValue="details" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="details">Details</Tabs.Tab>
          <Tabs.Tab value="permissions">Client Permissions</Tabs.Tab>
          <Tabs.Tab value="credentials">Credentials</Tabs.Tab>
          <Tabs.Tab value="security">Security</Tabs.Tab>
          <Tabs.Tab value="tokens">Tokens</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="details" pt="md"><DetailsTab client={data} onSaved={refresh} /></Tabs.Panel>
        <Tabs.Panel value="permissions" pt="md"><PermissionsTab client={data} onSaved={refresh} /></Tabs.Panel>
        <Tabs.Panel value="credentials" pt="md"><CredentialsTab client={data} onSaved={refresh} /></Tabs.Panel>
        <Tabs.Panel value="security" pt="md"><SecurityTab client={data} onSaved={refresh} /></Tabs.Panel>
        <Tabs.Panel value="tokens" pt="md"><TokensTab client={data} /></Tabs.Panel>
      </Tabs>
      <Modal opened={deleting} onClose={() => setDeleting(false)} title="Delete client" {...DIALOG}>
        <Stack>
          <Text>
            Delete the client <strong>{name}</strong> (<Code>{data.client_id}</Code>)? Its tokens are refused from then on. This cannot be undone.
          </Text>
          <ErrorAlert error={remove.error} title="The client was not deleted" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(false)}>Cancel</Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>Delete {name}</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function DetailsTab({ client, onSaved }: { client: Client; onSaved: () => Promise<void> }) {
  const can = useCan();
  const [values, setValues] = useState<ClientFieldValues>(() => valuesOf(client));
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation({
    // Fields left empty are left out, and keep their value (the API's PUT changes only what it is sent).
    mutationFn: () => api<Client>('PUT', clientPath(client.client_id), fieldsBody(values)),
    onSuccess: onSaved,
    onError: (error) => error instanceof ApiError && setErrors(apiFieldErrors(error)),
  });
  const readOnly = !can('client:update');
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const found = validateFields(values, client.public);
        setErrors(found);
        if (Object.keys(found).length === 0) save.mutate();
      }}
    >
      <Stack maw={640}>
        <Group gap="xs">
          <Text fw={600} size="sm">Client ID</Text>
          <Code>{client.client_id}</Code>
          <CopyValue value={client.client_id} label="client ID" />
        </Group>
        <ClientFields values={values} errors={errors} onChange={setValues} readOnly={readOnly} />
        <Text size="sm">Scopes: {client.scopes.length > 0 ? client.scopes.join(', ') : 'none of its own'}</Text>
        <ErrorAlert error={save.error} title="The changes were not saved" />
        {save.isSuccess && !save.isPending && <Alert color="green" title="Saved">The client's details are saved.</Alert>}
        {!readOnly && (
          <Group>
            <Button type="submit" loading={save.isPending}>Save</Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

function PermissionsTab({ client, onSaved }: { client: Client; onSaved: () => Promise<void> }) {
  const can = useCan();
  const roles = useQuery({ queryKey: ['roles'], queryFn: () => api<Role[]>('GET', '/api/v1/oauth/role'), enabled: can('scope:read') });
  const [selected, setSelected] = useState<string[]>([]);
  const update = useMutation({
    mutationFn: (permissions: string[]) => api<string[]>('PUT', `${clientPath(client.client_id)}/permissions`, permissions),
    onSuccess: async () => {
      setSelected([]);
      await onSaved();
    },
  });
  const available = (roles.data ?? []).filter((role) => !client.permissions.includes(role.name));
  const editable = can('client:update') && !client.public;
  return (
    <Stack maw={640}>
      <Title order={2} size="h4">Assigned permissions</Title>
      {client.permissions.length === 0 ? (
        <Text>This client holds no permissions.</Text>
      ) : (
        <List>
          {client.permissions.map((permission) => (
            <List.Item key={permission}>
              <Group gap="xs">
                <Text>{permission}</Text>
                {editable && <Button size="compact-xs" variant="subtle" color="red" aria-label={`Remove ${permission}`} onClick={() => update.mutate(client.permissions.filter((name) => name !== permission))}>Remove</Button>}
              </Group>
            </List.Item>
          ))}
        </List>
      )}
      {client.public && <Text>A public client cannot hold permissions: it has no secret to act on its own.</Text>}
      {editable && roles.data && (
        <>
          <Checkbox.Group label="Available permissions" value={selected} onChange={setSelected}>
            <Stack gap={4} mt="xs">
              {available.map((role) => (
                <Checkbox key={role.name} value={role.name} label={role.name} description={role.description} />
              ))}
              {available.length === 0 && <Text size="sm">Every permission is assigned.</Text>}
            </Stack>
          </Checkbox.Group>
          <ErrorAlert error={update.error} title="The permissions were not changed" />
          <Group>
            <Button disabled={selected.length === 0} loading={update.isPending} onClick={() => update.mutate([...client.permissions, ...selected])}>Add selected</Button>
          </Group>
        </>
      )}
      <ErrorAlert error={roles.error} title="Could not list the permissions" />
    </Stack>
  );
}

function CredentialsTab({ client, onSaved }: { client: Client; onSaved: () => Promise<void> }) {
  const can = useCan();
  const [confirming, setConfirming] = useState(false);
  const [revokeTokens, setRevokeTokens] = useState(true);
  const [credentials, setCredentials] = useState<Credentials>();
  const regenerate = useMutation({
    mutationFn: () => api<Credentials>('POST', `${clientPath(client.client_id)}/secret?revoke_tokens=${revokeTokens}`),
    onSuccess: async (answer) => {
      setConfirming(false);
      setCredentials(answer);
      await onSaved();
    },
  });
  return (
    <Stack maw={640}>
      <Group gap="xs">
        <Text fw={600} size="sm">Client ID</Text>
        <Code>{client.client_id}</Code>
        <CopyValue value={client.client_id} label="client ID" />
      </Group>
      <Text size="sm">Authentication: <Code>{client.token_endpoint_auth_method}</Code>: {authMethodWords(client.token_endpoint_auth_method)}.</Text>
      {client.token_endpoint_auth_method === 'private_key_jwt' && <Text size="sm">It has no secret to regenerate: its public keys are on the Security tab.</Text>}
      {!client.public && client.token_endpoint_auth_method !== 'private_key_jwt' && can('client:update') && (
        <Group>
          <Button onClick={() => setConfirming(true)}>Regenerate secret</Button>
        </Group>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Regenerate secret" {...DIALOG}>
        <Stack>
          <Text>The current secret of {client.name ?? client.client_id} stops working at once.</Text>
          <Checkbox label="Also revoke the tokens issued until now" description="Recommended when the secret leaked. Leave unticked to let them live out their lifespan." checked={revokeTokens} onChange={(event) => setRevokeTokens(event.currentTarget.checked)} />
          <ErrorAlert error={regenerate.error} title="The secret was not regenerated" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>Cancel</Button>
            <Button color="red" loading={regenerate.isPending} onClick={() => regenerate.mutate()}>Regenerate</Button>
          </Group>
        </Stack>
      </Modal>
      <SecretDialog credentials={credentials} keptEncrypted={client.token_endpoint_auth_method === 'client_secret_jwt'} onClose={() => setCredentials(undefined)} />
    </Stack>
  );
}

function TokensTab({ client }: { client: Client }) {
  const can = useCan();
  const [token, setToken] = useState<TokenResponse>();
  const [downloadUrl, setDownloadUrl] = useState<string>();
  useEffect(() => () => (downloadUrl ? URL.revokeObjectURL(downloadUrl) : undefined), [downloadUrl]);
  const issue = useMutation({
    mutationFn: () => api<TokenResponse>('POST', `${clientPath(client.client_id)}/token`),
    onSuccess: (answer) => {
      setToken(answer);
      const url = URL.createObjectURL(new Blob([answer.access_token], { type: 'text/plain' }));
      setDownloadUrl(url);
      // The file is the point of "Download Token": start it at once, as Imply's console does.
      const link = document.createElement('a');
      link.href = url;
      link.download = `${client.client_id}-token.txt`;
      link.click();
    },
  });
  if (!can('client:update')) return <Text>Issuing a token for a client needs the client:update permission.</Text>;
  return (
    <Stack maw={640}>
      <Text>A fresh access token for this client, without its secret, with the scopes the client holds. It is recorded in the audit trail.</Text>
      <Group>
        <Button loading={issue.isPending} onClick={() => issue.mutate()}>Download Token</Button>
      </Group>
      <ErrorAlert error={issue.error} title="No token was issued" />
      {token && (
        <Stack gap="xs">
          <Textarea label="Access token" value={token.access_token} readOnly autosize minRows={3} data-testid="issued-token" />
          <Group>
            <CopyValue value={token.access_token} label="access token" />
            {downloadUrl && <Anchor href={downloadUrl} download={`${client.client_id}-token.txt`}>Save the token again</Anchor>}
            <Text size="sm">Expires in {token.expires_in} seconds{token.scope ? `; scopes: ${token.scope}` : ''}.</Text>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
