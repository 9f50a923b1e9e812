import { useState } from 'react';
import { Alert, Button, Code, Group, Loader, Modal, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import { type Organization, organizationPath, type Project, useOwnOrganization } from '../admin-api';
import { useCan } from '../session';
import { CopyValue, DIALOG, ErrorAlert } from '../components/common';

/** Polaris's projects: a token asked for with `scope=project-{id}` reaches that project's resources only. */
export function ProjectsPage() {
  const { organizations, organization } = useOwnOrganization();
  const can = useCan();
  if (!can('organization:read')) return <Alert color="yellow" title="Projects">Your role does not let you read your organization, which the projects API is addressed by.</Alert>;
  if (organizations.isPending) return <Loader aria-label="Loading the organization" />;
  if (organizations.isError) return <ErrorAlert error={organizations.error} title="Could not read your organization" />;
  if (!organization) return <Alert color="yellow" title="Projects">Your token reaches no organization.</Alert>;
  return <Projects organization={organization} />;
}

function Projects({ organization }: { organization: Organization }) {
  const can = useCan();
  const path = `${organizationPath(organization.name)}/projects`;
  const projects = useQuery({ queryKey: ['projects', organization.name], queryFn: () => api<Project[]>('GET', path) });
  const [editing, setEditing] = useState<Project | 'new'>();
  const [deleting, setDeleting] = useState<Project>();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Projects</Title>
        {can('project:create') && <Button onClick={() => setEditing('new')}>Create project</Button>}
      </Group>
      <Text size="sm">
        Ask the token endpoint for a project&apos;s scope value (<Code>scope=project-…</Code>) to get a token that reaches that project&apos;s resources only.
        {organization.require_project_scoped_tokens ? ' This organization requires project-scoped tokens for project resources.' : ''}
      </Text>
      <ErrorAlert error={projects.error} title="Could not list the projects" />
      <Table aria-label="Projects" aria-busy={projects.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Scope value</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {projects.data?.map((project) => (
            <Table.Tr key={project.id}>
              <Table.Td>
                <Text fw={600}>{project.name}</Text>
                {project.description && <Text size="sm" c="dimmed">{project.description}</Text>}
              </Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Code className="secret" data-testid="project-scope">{project.scope}</Code>
                  <CopyValue value={project.scope} label={`the scope value of ${project.name}`} />
                </Group>
              </Table.Td>
              <Table.Td>{new Date(project.created_at).toLocaleString()}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap" justify="flex-end">
                  {can('project:update') && <Button size="xs" variant="default" onClick={() => setEditing(project)} aria-label={`Rename ${project.name}`}>Rename</Button>}
                  {can('project:delete') && <Button size="xs" color="red" variant="outline" onClick={() => setDeleting(project)} aria-label={`Delete ${project.name}`}>Delete</Button>}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
          {projects.data?.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={4}>No projects yet.</Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      {editing && <ProjectDialog path={path} project={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} />}
      {deleting && <DeleteProjectDialog path={path} project={deleting} onClose={() => setDeleting(undefined)} />}
    </Stack>
  );
}

type ProjectErrors = { name?: string; description?: string };

/** Create, or rename (name and description): what was typed stays when the server refuses it. */
function ProjectDialog({ path, project, onClose }: { path: string; project: Project | undefined; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(project?.name ?? '');
  const [description, setDescription] = useState(project?.description ?? '');
  const [errors, setErrors] = useState<ProjectErrors>({});
  const save = useMutation({
    mutationFn: () =>
      project
        ? api<Project>('PUT', `${path}/${project.id}`, { name: name.trim(), description: description.trim() === '' ? null : description.trim() })
        : api<Project>('POST', path, { name: name.trim(), ...(description.trim() !== '' && { description: description.trim() }) }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['projects'] });
      onClose();
    },
    onError: (error) => {
      if (error instanceof ApiError) setErrors({ name: error.about('name'), description: error.about('description') });
    },
  });
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const found: ProjectErrors = {};
    if (name.trim() === '') found.name = 'Name the project';
    else if (name.trim().length > 200) found.name = 'At most 200 characters';
    if (description.trim().length > 1000) found.description = 'At most 1000 characters';
    setErrors(found);
    if (!found.name && !found.description) save.mutate();
  };
  const title = project ? 'Rename project' : 'Create project';
  return (
    <Modal opened onClose={onClose} title={title} {...DIALOG}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} error={errors.name} data-autofocus />
          <Textarea label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} error={errors.description} autosize minRows={2} />
          <ErrorAlert error={save.error} title={project ? 'The project was not renamed' : 'The project was not created'} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={save.isPending}>Save</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteProjectDialog({ path, project, onClose }: { path: string; project: Project; onClose: () => void }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', `${path}/${project.id}`),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['projects'] });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title="Delete project" {...DIALOG}>
      <Stack>
        <Text>
          Delete the project <strong>{project.name}</strong> (<Code>{project.id}</Code>)? Tokens scoped to it reach nothing from then on. This cannot be undone.
        </Text>
        <ErrorAlert error={remove.error} title="The project was not deleted" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>Delete {project.name}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
