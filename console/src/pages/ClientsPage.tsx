import { useState } from 'react';
import { Anchor, Badge, Button, Checkbox, Group, Modal, MultiSelect, Pagination, Radio, Select, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { api, ApiError, type CatalogScope, type Client, type Credentials, type Page, type Role } from '../api';
import { useCan } from '../session';
import { DIALOG, ErrorAlert, SecretDialog } from '../components/common';
import { apiFieldErrors, ClientFields, type ClientFieldValues, emptyFields, type FieldErrors, fieldsBody, validateFields } from '../components/ClientFields';
import { authMethodWords, type ConfidentialAuthMethod, noPublicKeys, type PublicKeys, publicKeysApiErrors, publicKeysBody, type PublicKeysErrors, publicKeysErrors, PublicKeysFields, type Requirements, requirementsApiErrors, requirementsBody, type RequirementsErrors, RequireSwitches } from '../components/ClientSecurityFields';

type SortField = 'created_at' | 'name' | 'client_id';
const COLUMNS: { field: SortField | undefined; label: string }[] = [
  { field: 'name', label: 'Name' },
  { field: 'client_id', label: 'Client ID' },
  { field: undefined, label: 'Type' },
  { field: undefined, label: 'Status' },
  { field: 'created_at', label: 'Created' },
];

/** Polaris's "Manage OAuth clients" and Imply Hybrid's "API Clients": the organization's clients, searchable, sortable and paged by the API. */
export function ClientsPage() {
  const can = useCan();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [sort, setSort] = useState<{ field: SortField; order: 'asc' | 'desc' }>({ field: 'created_at', order: 'desc' });
  const [page, setPage] = useState(1);
  const [size, setSize] = useState('10');
  const [creating, setCreating] = useState(false);
  const query = new URLSearchParams({ page: String(page), size, sort: sort.field, order: sort.order, ...(debounced && { search: debounced }) });
  const clients = useQuery({ queryKey: ['clients', query.toString()], queryFn: () => api<Page<Client>>('GET', `/api/v1/oauth/client?${query}`), placeholderData: keepPreviousData });

  const sortBy = (field: SortField) => {
    setSort((current) => ({ field, order: current.field === field ? (current.order === 'asc' ? 'desc' : 'asc') : field === 'created_at' ? 'desc' : 'asc' }));
    setPage(1);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>OAuth clients</Title>
        {can('client:create') && <Button onClick={() => setCreating(true)}>Create</Button>}
      </Group>
      <Group align="flex-end">
        <TextInput label="Search" placeholder="Name, ID or description" value={search} onChange={(event) => { setSearch(event.currentTarget.value); setPage(1); }} w={320} />
        <Select label="Per page" data={['10', '25', '50']} value={size} onChange={(value) => { setSize(value ?? '10'); setPage(1); }} w={110} allowDeselect={false} />
      </Group>
      <ErrorAlert error={clients.error} title="Could not list the clients" />
      <Table striped highlightOnHover aria-label="OAuth clients" aria-busy={clients.isFetching}>
        <Table.Thead>
          <Table.Tr>
            {COLUMNS.map(({ field, label }) => (
              <Table.Th key={label} aria-sort={field && sort.field === field ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                {field ? (
                  <button type="button" className="sort-button" onClick={() => sortBy(field)}>
                    {label} <span aria-hidden="true">{sort.field === field ? (sort.order === 'asc' ? '▲' : '▼') : ''}</span>
                  </button>
                ) : (
                  label
                )}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {clients.data?.items.map((client) => (
            <Table.Tr key={client.client_id}>
              <Table.Td>
                <Anchor component={Link} href={`/clients/${encodeURIComponent(client.client_id)}`}>{client.name ?? client.client_id}</Anchor>
              </Table.Td>
              <Table.Td><Text ff="monospace" size="sm">{client.client_id}</Text></Table.Td>
              <Table.Td>{client.public ? 'Public' : 'Confidential'}</Table.Td>
              <Table.Td><Badge color={client.disabled ? 'gray' : 'green'} variant="light">{client.disabled ? 'Disabled' : 'Enabled'}</Badge></Table.Td>
              <Table.Td>{new Date(client.created_at).toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
          {clients.data?.items.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={COLUMNS.length}>{debounced ? `No client matches “${debounced}”.` : 'No clients yet.'}</Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      {clients.data && (
        <Group justify="space-between">
          <Text size="sm">{clients.data.total} {clients.data.total === 1 ? 'client' : 'clients'}</Text>
          {clients.data.pages > 1 && <Pagination total={clients.data.pages} value={page} onChange={setPage} getControlProps={(control) => ({ 'aria-label': `${control} page` })} getItemProps={(item) => ({ 'aria-label': `Page ${item}` })} />}
        </Group>
      )}
      <CreateClientDialog opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}

/** The choices of the Create dialog's Authentication, in the order offered; the first is RFC 7591's default. */
const AUTH_METHOD_CHOICES: { method: ConfidentialAuthMethod; label: string }[] = [
  { method: 'client_secret_basic', label: 'Client secret (HTTP Basic)' },
  { method: 'client_secret_post', label: 'Client secret in the request body' },
  { method: 'private_key_jwt', label: 'Private key JWT' },
  { method: 'client_secret_jwt', label: 'Client secret JWT' },
];

/** What the Create dialog adds to the fields it shares with the Details tab; kept as typed when the server refuses. */
interface CreateValues extends PublicKeys, Requirements {
  method: ConfidentialAuthMethod;
}

const emptyCreate: CreateValues = { method: 'client_secret_basic', ...noPublicKeys, dpop: false, par: false };

type CreateErrors = FieldErrors & PublicKeysErrors & RequirementsErrors & { method?: string };

/** Only the fields with a problem, so that an empty object means none. */
const problems = <T extends object>(errors: T): T => Object.fromEntries(Object.entries(errors).filter(([, problem]) => problem !== undefined)) as T;

function createBody(values: ClientFieldValues, extra: CreateValues, isPublic: boolean, permissions: string[], scopes: string[]): Record<string, unknown> {
  return {
    ...fieldsBody(values),
    scopes,
    ...(permissions.length > 0 && { permissions }),
    ...requirementsBody(extra),
    // A public client's method is none, which the server derives.
    ...(isPublic ? { public: true } : { token_endpoint_auth_method: extra.method }),
    ...(!isPublic && extra.method === 'private_key_jwt' && publicKeysBody(extra)),
  };
}

/**
 * Where the API puts a refusal: a validation error names its field in `details`; the service's own
 * refusals are one message, about the method (client_secret_jwt without CLIENT_SECRET_ENCRYPTION_KEY
 * on the server), the keys, the permissions or the scopes.
 */
function createApiErrors(error: ApiError): CreateErrors {
  const message = error.details.length === 0 ? error.message : undefined;
  const method = error.about('token_endpoint_auth_method') ?? (message !== undefined && /^(client_secret_jwt needs|A public client is one with token_endpoint_auth_method)/.test(message) ? message : undefined);
  return problems({ ...apiFieldErrors(error), permissions: error.about('permissions'), scopes: error.about('scopes'), method, ...publicKeysApiErrors(error), ...requirementsApiErrors(error) });
}

function CreateClientDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const can = useCan();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<ClientFieldValues>(emptyFields);
  const [extra, setExtra] = useState<CreateValues>(emptyCreate);
  const [isPublic, setPublic] = useState(false);
  const [permissions, setPermissions] = useState<string[]>([]);
  const [scopes, setScopes] = useState<string[]>([]);
  const [errors, setErrors] = useState<CreateErrors>({});
  const [created, setCreated] = useState<Credentials>();
  const roles = useQuery({ queryKey: ['roles'], queryFn: () => api<Role[]>('GET', '/api/v1/oauth/role'), enabled: opened && can('scope:read') });
  const catalog = useQuery({ queryKey: ['scopes'], queryFn: () => api<CatalogScope[]>('GET', '/api/v1/oauth/scope'), enabled: opened && can('scope:read') });
  const create = useMutation({
    mutationFn: () => api<Credentials>('POST', '/api/v1/oauth/client', createBody(values, extra, isPublic, permissions, scopes)),
    onSuccess: async (credentials) => {
      await queryClient.invalidateQueries({ queryKey: ['clients'] });
      setValues(emptyFields);
      setExtra(emptyCreate);
      setPermissions([]);
      setScopes([]);
      setPublic(false);
      onClose();
      // A private_key_jwt client has no secret: its page, at once.
      if (credentials.client_secret) setCreated(credentials);
      else navigate(`/clients/${encodeURIComponent(credentials.client_id)}`);
    },
    onError: (error) => error instanceof ApiError && setErrors(createApiErrors(error)),
  });
  const change = (changed: Partial<CreateValues>) => setExtra((current) => ({ ...current, ...changed }));
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const found: CreateErrors = validateFields(values, isPublic);
    if (isPublic && permissions.length > 0) found.permissions = 'A public client cannot hold permissions: it has no secret to act on its own';
    if (!isPublic && extra.method === 'private_key_jwt') Object.assign(found, publicKeysErrors(extra));
    setErrors(found);
    if (Object.keys(found).length === 0) create.mutate();
  };
  const placed = create.error instanceof ApiError ? Object.keys(createApiErrors(create.error)).length > 0 : false;
  return (
    <>
      <Modal opened={opened} onClose={onClose} title="Create OAuth client" size="lg" {...DIALOG}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <ClientFields values={values} errors={errors} onChange={setValues} />
            <Switch label="Public client (a browser or mobile app: no secret, signs users in with PKCE)" checked={isPublic} onChange={(event) => setPublic(event.currentTarget.checked)} />
            {!isPublic && (
              <Radio.Group label="Authentication" description="How it proves who it is at the token endpoint; fixed once created" value={extra.method} onChange={(value) => change({ method: value as ConfidentialAuthMethod })} error={errors.method}>
                <Stack gap={6} mt="xs">
                  {AUTH_METHOD_CHOICES.map(({ method, label }) => (
                    <Radio key={method} value={method} label={label} description={`${method}: ${authMethodWords(method)}`} />
                  ))}
                </Stack>
              </Radio.Group>
            )}
            {!isPublic && extra.method === 'private_key_jwt' && <PublicKeysFields values={extra} errors={errors} onChange={change} description="It gets no secret: its assertions are checked with these keys" />}
            {!isPublic && extra.method === 'client_secret_jwt' && <Text size="sm">Its secret is shown once after creation; the server keeps an encrypted copy to check its assertions (it needs CLIENT_SECRET_ENCRYPTION_KEY).</Text>}
            <RequireSwitches values={extra} errors={errors} onChange={change} />
            {!isPublic && roles.data && (
              <Checkbox.Group label="Client Permissions" value={permissions} onChange={setPermissions} error={errors.permissions}>
                <Stack gap={4} mt="xs">
                  {roles.data.map((role) => (
                    <Checkbox key={role.name} value={role.name} label={role.name} description={role.description} />
                  ))}
                </Stack>
              </Checkbox.Group>
            )}
            {catalog.data && (
              <MultiSelect label="Scopes" description="Scopes the client may request, besides its permissions' ones" data={catalog.data.map((scope) => ({ value: scope.name, label: scope.name }))} value={scopes} onChange={setScopes} error={errors.scopes} searchable clearable comboboxProps={{ withinPortal: true }} />
            )}
            {!placed && <ErrorAlert error={create.error} title="The client was not created" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>Cancel</Button>
              <Button type="submit" loading={create.isPending}>Save</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <SecretDialog
        credentials={created}
        onClose={() => {
          const id = created!.client_id;
          setCreated(undefined);
          navigate(`/clients/${encodeURIComponent(id)}`);
        }}
      />
    </>
  );
}
