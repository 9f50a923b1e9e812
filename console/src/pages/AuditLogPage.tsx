import { useEffect, useRef, useState } from 'react';
import { Button, Code, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, type AuditPage } from '../api';
import { ErrorAlert } from '../components/common';

/** Events per request: a screenful and a bit, so that scrolling asks for the next page. */
const PAGE_SIZE = 25;
const ACTION = /^[a-z_]+\.[a-z_]+$/;

interface Filters {
  actor: string;
  target: string;
  action: string;
  since: string;
  until: string;
}
const NO_FILTERS: Filters = { actor: '', target: '', action: '', since: '', until: '' };
type FilterErrors = Partial<Record<keyof Filters, string>>;

/** A datetime-local value (the browser's local time) as the API's ISO 8601. */
const iso = (local: string) => new Date(local).toISOString();

function validate(filters: Filters): FilterErrors {
  const errors: FilterErrors = {};
  if (filters.action && !ACTION.test(filters.action)) errors.action = 'An action looks like client.created';
  for (const field of ['since', 'until'] as const) if (filters[field] && Number.isNaN(new Date(filters[field]).getTime())) errors[field] = 'Pick a date and time';
  if (!errors.since && !errors.until && filters.since && filters.until && new Date(filters.since) >= new Date(filters.until)) errors.until = 'Until must come after Since';
  return errors;
}

function queryOf(filters: Filters): URLSearchParams {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (filters.actor.trim()) query.set('actor', filters.actor.trim());
  if (filters.target.trim()) query.set('target', filters.target.trim());
  if (filters.action.trim()) query.set('action', filters.action.trim());
  if (filters.since) query.set('since', iso(filters.since));
  if (filters.until) query.set('until', iso(filters.until));
  return query;
}

/** The audit trail, newest first: filtered by the API, and read further by its cursor as the list is scrolled. */
export function AuditLogPage() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [errors, setErrors] = useState<FilterErrors>({});
  const query = queryOf(applied).toString();
  const trail = useInfiniteQuery({
    queryKey: ['audit', query],
    queryFn: ({ pageParam }) => api<AuditPage>('GET', `/api/v1/audit?${query}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const events = trail.data?.pages.flatMap((page) => page.events) ?? [];

  // Infinite scroll: the next page loads when the end of the list comes into view (the button does the same from the keyboard).
  const end = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = trail;
  useEffect(() => {
    const element = end.current;
    if (!element || !hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const found = validate(draft);
    setErrors(found);
    if (Object.keys(found).length === 0) setApplied(draft);
  };
  const clear = () => {
    setDraft(NO_FILTERS);
    setApplied(NO_FILTERS);
    setErrors({});
  };
  const field = (name: keyof Filters) => ({
    value: draft[name],
    error: errors[name],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => {
      const value = event.currentTarget.value;
      setDraft((current) => ({ ...current, [name]: value }));
    },
  });

  return (
    <Stack>
      <Title order={1}>Audit log</Title>
      <form onSubmit={submit} noValidate aria-label="Filter the audit log">
        <Group align="flex-start">
          <TextInput label="Actor" description="A client or user id" {...field('actor')} w={220} />
          <TextInput label="Target" description="A client, user, organization or project id" {...field('target')} w={220} />
          <TextInput label="Action" description="Like client.created" {...field('action')} w={200} />
          <TextInput label="Since" description="At or after" type="datetime-local" {...field('since')} w={210} />
          <TextInput label="Until" description="Before" type="datetime-local" {...field('until')} w={210} />
        </Group>
        <Group mt="sm">
          <Button type="submit">Apply filters</Button>
          <Button variant="default" onClick={clear}>Clear filters</Button>
        </Group>
      </form>
      <ErrorAlert error={trail.error} title="Could not read the audit log" />
      <Table striped aria-label="Audit events" aria-busy={trail.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Actor</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <Table.Tr key={event.id} data-testid="audit-event">
              <Table.Td>{new Date(event.occurred_at).toLocaleString()}</Table.Td>
              <Table.Td><Code>{event.action}</Code></Table.Td>
              <Table.Td><Text size="sm">{event.actor.type}</Text><Text size="xs" ff="monospace" className="secret">{event.actor.id}</Text></Table.Td>
              <Table.Td><Text size="sm">{event.target.type}</Text><Text size="xs" ff="monospace" className="secret">{event.target.id}</Text></Table.Td>
              {/* Clamped on screen only: the whole of it stays in the page for screen readers and search. */}
              <Table.Td><Text size="xs" ff="monospace" className="secret" lineClamp={3}>{Object.keys(event.details).length > 0 ? JSON.stringify(event.details) : ''}</Text></Table.Td>
            </Table.Tr>
          ))}
          {trail.isSuccess && events.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={5}>No event matches these filters.</Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      <div ref={end}>
        {hasNextPage ? (
          <Button variant="default" loading={isFetchingNextPage} onClick={() => void fetchNextPage()}>Load older events</Button>
        ) : (
          trail.isSuccess && events.length > 0 && <Text size="sm">{events.length === 1 ? 'The one matching event is listed.' : `All ${events.length} matching events are listed.`}</Text>
        )}
      </div>
    </Stack>
  );
}
