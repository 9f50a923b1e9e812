import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Code, Divider, Group, Modal, Pagination, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, type Page, type Role } from '../api';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type Organization, type User, useOwnOrganization } from '../admin-api';
import { useCan } from '../session';
import { CopyValue, DIALOG, ErrorAlert } from '../components/common';

const MEMBER = 'member';
const PAGE_SIZE = 25;

/** The roles a user can be given here: a plain member, then the built-in and the organization's own roles. */
function useRoleChoices(enabled: boolean): { value: string; label: string }[] {
  const can = useCan();
  const roles = useQuery({ queryKey: ['roles'], queryFn: () => api<Role[]>('GET', '/api/v1/oauth/role'), enabled: enabled && can('scope:read') });
  const names = [MEMBER, ...(roles.data ?? []).map((role) => role.name).filter((name) => name !== MEMBER)];
  return names.map((name) => ({ value: name, label: name === MEMBER ? 'member (no administration)' : name }));
}

function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `At least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `At most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}

/** Imply Hybrid's user management: the organization's users, their role here, and their account. */
export function UsersPage() {
  const can = useCan();
  const { organization } = useOwnOrganization();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string>();
  const users = useQuery({ queryKey: ['users', page], queryFn: () => api<Page<User>>('GET', `/api/v1/users?page=${page}&size=${PAGE_SIZE}`), placeholderData: keepPreviousData });
  const membershipHere = (user: User) => (organization ? user.memberships.find((membership) => membership.organization_id === organization.id) : user.memberships[0]);
  const roleHere = (user: User) => membershipHere(user)?.role;
  const statusOf = (user: User) => (membershipHere(user)?.status === 'invited' ? { label: 'Invited', color: 'yellow' } : user.disabled ? { label: 'Disabled', color: 'gray' } : { label: 'Active', color: 'green' });
  const selected = users.data?.items.find((user) => user.id === open);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Users</Title>
        {can('user:create') && <Button onClick={() => setCreating(true)}>Create user</Button>}
      </Group>
      <ErrorAlert error={users.error} title="Could not list the users" />
      <Table aria-label="Users" aria-busy={users.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Email</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.data?.items.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>
                {can('user:update') || can('user:delete') ? (
                  <Anchor component="button" type="button" onClick={() => setOpen(user.id)}>{user.email}</Anchor>
                ) : (
                  user.email
                )}
              </Table.Td>
              <Table.Td>{user.name ?? ''}</Table.Td>
              <Table.Td>{roleHere(user) ?? ''}</Table.Td>
              <Table.Td><Badge color={statusOf(user).color} variant="light">{statusOf(user).label}</Badge></Table.Td>
              <Table.Td>{new Date(user.created_at).toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
          {users.data?.items.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={5}>No users yet.</Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      {users.data && (
        <Group justify="space-between">
          <Text size="sm">{users.data.total} {users.data.total === 1 ? 'user' : 'users'}</Text>
          {users.data.pages > 1 && <Pagination total={users.data.pages} value={page} onChange={setPage} getControlProps={(control) => ({ 'aria-label': `${control} page` })} getItemProps={(item) => ({ 'aria-label': `Page ${item}` })} />}
        </Group>
      )}
      {creating && <CreateUserDialog onClose={() => setCreating(false)} />}
      {selected && <UserDialog user={selected} role={roleHere(selected)} organization={organization} onClose={() => setOpen(undefined)} />}
    </Stack>
  );
}

type CreateErrors = { email?: string; name?: string; password?: string; role?: string };

/** A new account with a first password the administrator hands over (Gatehouse sends no mail). */
function CreateUserDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const roles = useRoleChoices(true);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState(MEMBER);
  const [errors, setErrors] = useState<CreateErrors>({});
  const [invitationUrl, setInvitationUrl] = useState<string>();
  const create = useMutation({
    mutationFn: () => api<User>('POST', '/api/v1/users', { email: email.trim(), password, role, ...(name.trim() !== '' && { name: name.trim() }) }),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      // An invitation: its one-time link is shown here once, for the administrator to pass on.
      if (created.invitation_url) setInvitationUrl(created.invitation_url);
      else onClose();
    },
    onError: (error) => {
      if (error instanceof ApiError) setErrors({ email: error.about('email'), name: error.about('name'), password: error.about('password'), role: error.about('role') });
    },
  });
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const found: CreateErrors = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) found.email = 'Enter an email address';
    if (name.trim().length > 200) found.name = 'At most 200 characters';
    found.password = passwordProblem(password);
    setErrors(found);
    if (Object.values(found).every((problem) => problem === undefined)) create.mutate();
  };
  if (invitationUrl) return <InvitationLinkDialog email={email.trim()} url={invitationUrl} onClose={onClose} />;
  return (
    <Modal opened onClose={onClose} title="Create user" {...DIALOG}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Email" type="email" required value={email} onChange={(event) => setEmail(event.currentTarget.value)} error={errors.email} data-autofocus />
          <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} error={errors.name} />
          <PasswordInput label="First password" description={`At least ${MIN_PASSWORD_LENGTH} characters; give it to them: they sign in with it`} required value={password} onChange={(event) => setPassword(event.currentTarget.value)} error={errors.password} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the password' }} />
          <Select label="Role" data={roles} value={role} onChange={(value) => setRole(value ?? MEMBER)} allowDeselect={false} error={errors.role} comboboxProps={{ withinPortal: true }} />
          <ErrorAlert error={create.error} title="The user was not created" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={create.isPending}>Create</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** An invitation's one-time link, shown once: the invited person needs it to accept (Gatehouse sends no mail). */
function InvitationLinkDialog({ email, url, onClose }: { email: string; url: string; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title="Invitation link" size="lg" closeOnClickOutside={false} {...DIALOG}>
      <Stack>
        <Alert color="blue" title="Copy the invitation link now">
          Give it to {email}: they accept the invitation with it after signing in. You will not see it again: Gatehouse keeps only a hash of it. If it is lost or expires, send the invitation again.
        </Alert>
        <Group gap="xs" wrap="nowrap">
          <Code className="secret" data-testid="invitation-url">{url}</Code>
          <CopyValue value={url} label="invitation link" />
        </Group>
        <Group justify="flex-end">
          <Button onClick={onClose}>I have copied it</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** One user: their role here, their account (enabled, password), and removal; each refusal shown by its own control. */
function UserDialog({ user, role, organization, onClose }: { user: User; role: string | undefined; organization: Organization | undefined; onClose: () => void }) {
  const can = useCan();
  const queryClient = useQueryClient();
  const roles = useRoleChoices(true);
  const [newRole, setNewRole] = useState(role ?? MEMBER);
  const [password, setPassword] = useState('');
  const [passwordError, setPasswordError] = useState<string>();
  const [removing, setRemoving] = useState(false);
  const path = `/api/v1/users/${user.id}`;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['users'] });
  // The role is per organization: PUT …/organizations/{org}; without the organization's name, the user's own membership here.
  const changeRole = useMutation({ mutationFn: () => (organization ? api<User>('PUT', `${path}/organizations/${encodeURIComponent(organization.name)}`, { role: newRole }) : api<User>('PATCH', path, { role: newRole })), onSuccess: refresh });
  const toggle = useMutation({ mutationFn: () => api<User>('PATCH', path, { disabled: !user.disabled }), onSuccess: refresh });
  const reset = useMutation({
    mutationFn: () => api<User>('PATCH', path, { password }),
    onSuccess: async () => {
      setPassword('');
      await refresh();
    },
    onError: (error) => error instanceof ApiError && setPasswordError(error.about('password')),
  });
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', path),
    onSuccess: async () => {
      await refresh();
      onClose();
    },
  });
  const submitPassword = (event: React.FormEvent) => {
    event.preventDefault();
    const problem = passwordProblem(password);
    setPasswordError(problem);
    if (!problem) reset.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={`User ${user.email}`} size="lg" {...DIALOG}>
      <Stack>
        <Group>
          <Badge color={user.disabled ? 'gray' : 'green'} variant="light">{user.disabled ? 'Disabled' : 'Active'}</Badge>
          {user.name && <Text>{user.name}</Text>}
        </Group>
        {can('user:update') && (
          <>
            <form onSubmit={(event) => { event.preventDefault(); changeRole.mutate(); }}>
              <Group align="flex-end">
                <Select label={`Role in ${organization?.display_name ?? 'this organization'}`} data={roles} value={newRole} onChange={(value) => setNewRole(value ?? MEMBER)} allowDeselect={false} comboboxProps={{ withinPortal: true }} w={280} />
                <Button type="submit" variant="default" loading={changeRole.isPending} disabled={newRole === role}>Save role</Button>
              </Group>
              {changeRole.isSuccess && <Text size="sm" role="status">The role is now {newRole}.</Text>}
              <ErrorAlert error={changeRole.error} title="The role was not changed" />
            </form>
            <Divider />
            <div>
              <Text size="sm">{user.disabled ? 'A disabled user cannot sign in, and their tokens are refused.' : 'Disabling ends their sessions and refuses their tokens at once.'}</Text>
              <Button mt="xs" variant="default" loading={toggle.isPending} onClick={() => toggle.mutate()}>{user.disabled ? 'Enable user' : 'Disable user'}</Button>
              <ErrorAlert error={toggle.error} title={user.disabled ? 'The user was not enabled' : 'The user was not disabled'} />
            </div>
            <Divider />
            <form onSubmit={submitPassword} noValidate>
              <Group align="flex-start">
                <PasswordInput label="New password" description="Ends their sessions; give them the new one" value={password} onChange={(event) => setPassword(event.currentTarget.value)} error={passwordError} w={280} visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the new password' }} />
                <Button type="submit" mt={24} variant="default" loading={reset.isPending}>Reset password</Button>
              </Group>
              {reset.isSuccess && <Text size="sm" role="status">The password was reset.</Text>}
              <ErrorAlert error={reset.error} title="The password was not reset" />
            </form>
          </>
        )}
        {can('user:delete') && (
          <>
            <Divider />
            {removing ? (
              <Stack gap="xs">
                <Text>Remove <strong>{user.email}</strong> from {organization?.display_name ?? 'this organization'}? A user left in no organization is deleted.</Text>
                <Group>
                  <Button variant="default" onClick={() => setRemoving(false)}>Cancel</Button>
                  <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>Remove {user.email}</Button>
                </Group>
              </Stack>
            ) : (
              <Group><Button color="red" variant="outline" onClick={() => setRemoving(true)}>Remove from organization</Button></Group>
            )}
            <ErrorAlert error={remove.error} title="The user was not removed" />
          </>
        )}
      </Stack>
    </Modal>
  );
}
