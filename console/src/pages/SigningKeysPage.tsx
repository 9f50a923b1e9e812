import { useState } from 'react';
import { Alert, Badge, Button, Code, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type SigningKey } from '../api';
import { useCan } from '../session';
import { DIALOG, ErrorAlert } from '../components/common';

const when = (value: string | null) => (value ? new Date(value).toLocaleString() : '—');

/** The token signing keys, newest first, and their rotation, one algorithm at a time (each has its own active key). */
export function SigningKeysPage() {
  const can = useCan();
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => api<SigningKey[]>('GET', '/api/v1/oauth/keys') });
  const [rotating, setRotating] = useState<string>();
  const rotate = useMutation({
    mutationFn: (alg: string) => api<SigningKey>('POST', `/api/v1/oauth/keys/rotate?${new URLSearchParams({ alg })}`),
    onSuccess: async () => {
      setRotating(undefined);
      await queryClient.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const algorithms = [...new Set((keys.data ?? []).filter((key) => key.status === 'active').map((key) => key.alg))].sort();

  return (
    <Stack>
      <Title order={1}>Signing keys</Title>
      <Text>
        Gatehouse signs tokens with one active key per algorithm. Rotating starts a new key; the previous one stays in the JWKS, retired, until the last token it signed has expired.
      </Text>
      {can('key:rotate') && algorithms.length > 0 && (
        <Group>
          {algorithms.map((alg) => (
            <Button key={alg} variant="default" onClick={() => { rotate.reset(); setRotating(alg); }}>Rotate {alg} key</Button>
          ))}
        </Group>
      )}
      {rotate.isSuccess && (
        <Alert color="green" title="Key rotated" role="status">
          New {rotate.data.alg} key <Code>{rotate.data.kid}</Code> signs from now on.
        </Alert>
      )}
      <ErrorAlert error={keys.error} title="Could not list the signing keys" />
      <Table striped aria-label="Signing keys" aria-busy={keys.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Key ID</Table.Th>
            <Table.Th>Algorithm</Table.Th>
            <Table.Th miw={100}>State</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Retired</Table.Th>
            <Table.Th>Published until</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.data?.map((key) => (
            <Table.Tr key={key.kid} data-testid="signing-key">
              <Table.Td><Text size="sm" ff="monospace" className="secret">{key.kid}</Text></Table.Td>
              <Table.Td>{key.alg}</Table.Td>
              <Table.Td><Badge variant="light" color={key.status === 'active' ? 'green' : 'gray'}>{key.status === 'active' ? 'Active' : 'Retired'}</Badge></Table.Td>
              <Table.Td>{when(key.created_at)}</Table.Td>
              <Table.Td>{when(key.retired_at)}</Table.Td>
              <Table.Td>{when(key.published_until)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={rotating !== undefined} onClose={() => setRotating(undefined)} title="Rotate signing key" {...DIALOG}>
        <Stack>
          <Text>
            New {rotating} tokens will be signed with a new key. Tokens signed with the current key stay valid until they expire: resource servers that cache the JWKS pick up the new key at their next refresh.
          </Text>
          <ErrorAlert error={rotate.error} title="The key was not rotated" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRotating(undefined)}>Cancel</Button>
            <Button loading={rotate.isPending} onClick={() => rotate.mutate(rotating!)}>Rotate {rotating} key now</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
