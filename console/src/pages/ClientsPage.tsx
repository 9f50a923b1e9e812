import { useState } from 'react';
import { Anchor, Badge, Button, Checkbox, Group, Modal, MultiSelect, Pagination, Select, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { api, ApiError, type CatalogScope, type Client, type Credentials, type Page, type Role } from '../api';
import { useCan } from '../session';
import { DIALOG, ErrorAlert, SecretDialog } from '../components/common';
import { apiFieldErrors, ClientFields, type ClientFieldValues, emptyFields, type FieldErrors, fieldsBody, validateFields } from '../components/ClientFields';

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

function CreateClientDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const can = useCan();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<ClientFieldValues>(emptyFields);
  const [isPublic, setPublic] = useState(false);
  const [permissions, setPermissions] = useState<string[]>([]);
  const [scopes, setScopes] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<Credentials>();
  const roles = useQuery({ queryKey: ['roles'], queryFn: () => api<Role[]>('GET', '/api/v1/oauth/role'), enabled: opened && can('scope:read') });
  const catalog = useQuery({ queryKey: ['scopes'], queryFn: () => api<CatalogScope[]>('GET', '/api/v1/oauth/scope'), enabled: opened && can('scope:read') });
  const create = useMutation({
    mutationFn: () => api<Credentials>('POST', '/api/v1/oauth/client', { ...fieldsBody(values), scopes, ...(permissions.length > 0 && { permissions }), ...(isPublic && { public: true }) }),
    onSuccess: async (credentials) => {
      await queryClient.invalidateQueries({ queryKey: ['clients'] });
      setValues(emptyFields);
      setPermissions([]);
      setScopes([]);
      setPublic(false);
      onClose();
      if (credentials.client_secret) setCreated(credentials);
      else navigate(`/clients/${encodeURIComponent(credentials.client_id)}`);
    },
    onError: (error) => {
      if (error instanceof ApiError) setErrors({ ...apiFieldErrors(error), ...(error.about('permissions') && { permissions: error.about('permissions') }), ...(error.about('scopes') && { scopes: error.about('scopes') }) });
    },
  });
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const found = validateFields(values, isPublic);
    if (isPublic && permissions.length > 0) found.permissions = 'A public client cannot hold permissions: it has no secret to act on its own';
    setErrors(found);
    if (Object.keys(found).length === 0) create.mutate();
  };
  return (
    <>
      <Modal opened={opened} onClose={onClose} title="Create OAuth client" size="lg" {...DIALOG}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <ClientFields values={values} errors={errors} onChange={setValues} />
            <Switch label="Public client (a browser or mobile app: no secret, signs users in with PKCE)" checked={isPublic} onChange={(event) => setPublic(event.currentTarget.checked)} />
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
            <ErrorAlert error={create.error} title="The client was not created" />
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
