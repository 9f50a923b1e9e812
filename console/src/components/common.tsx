import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { ApiError } from '../api';

/**
 * What every dialog of the console shares: a named close button; no scroll lock (react-remove-scroll
 * injects a <style> tag, which the CSP refuses); no fade, so nothing is read half-transparent.
 */
export const DIALOG = { lockScroll: false, closeButtonProps: { 'aria-label': 'Close' }, transitionProps: { duration: 0 } } as const;

/** An API error in words, where the action that caused it is. */
export function ErrorAlert({ error, title = 'The server refused this' }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof ApiError ? error.details : [];
  return (
    <Alert color="red" title={title} role="alert">
      <Text size="sm">{message}</Text>
      {details.length > 0 && (
        <ul>
          {details.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

export function CopyValue({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button size="xs" variant="light" onClick={copy} aria-label={`${copied ? 'Copied' : 'Copy'} ${label}`}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
      )}
    </CopyButton>
  );
}

/**
 * A client's secret, shown once (after creation or regeneration). A client_secret_jwt client's
 * secret is kept encrypted (the server needs it to check the assertions it signs), not hashed.
 */
export function SecretDialog({ credentials, keptEncrypted = false, onClose }: { credentials: { client_id: string; client_secret?: string; token_endpoint_auth_method?: string } | undefined; keptEncrypted?: boolean; onClose: () => void }) {
  const encrypted = keptEncrypted || credentials?.token_endpoint_auth_method === 'client_secret_jwt';
  return (
    <Modal opened={credentials !== undefined} onClose={onClose} title="Client secret" size="lg" closeOnClickOutside={false} {...DIALOG}>
      {credentials?.client_secret && (
        <Stack>
          <Alert color="yellow" title="Copy the secret now">
            You will not see it again: Gatehouse keeps {encrypted ? 'it only encrypted, to check the assertions signed with it, and never shows it' : 'only a hash of it'}. If you lose it, regenerate it.
          </Alert>
          <div>
            <Text size="sm" fw={600}>Client ID</Text>
            <Group gap="xs" wrap="nowrap">
              <Code data-testid="client-id">{credentials.client_id}</Code>
              <CopyValue value={credentials.client_id} label="client ID" />
            </Group>
          </div>
          <div>
            <Text size="sm" fw={600}>Client secret</Text>
            <Group gap="xs" wrap="nowrap">
              <Code className="secret" data-testid="client-secret">{credentials.client_secret}</Code>
              <CopyValue value={credentials.client_secret} label="client secret" />
            </Group>
          </div>
          <Group justify="flex-end">
            <Button onClick={onClose}>I have copied it</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** Checks a URI the way the API does (https, or http on this machine), so the form says so before sending. */
export function uriProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return undefined;
    if (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return undefined;
    return `${value} must use https (http only on localhost)`;
  } catch {
    return `${value} is not a URL`;
  }
}

export const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter(Boolean);
