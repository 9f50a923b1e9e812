import { useState } from 'react';
import { Alert, Button, Checkbox, Code, Divider, Group, Stack, Switch, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, ApiError, type Client, clientPath, type Page, type TokenExchangePolicy } from '../api';
import { useCan } from '../session';
import { ErrorAlert } from '../components/common';
import { authMethodWords, type PublicKeys, publicKeysApiErrors, type PublicKeysErrors, publicKeysErrors, PublicKeysFields, type Requirements, requirementsApiErrors, type RequirementsErrors, requirementsBody, RequireSwitches } from '../components/ClientSecurityFields';

/** RFC 8693's grant type: a client given an exchange policy needs it among its grant types (docs/token-exchange.md). */
const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** The server's bound (src/clients/dto/create-client.dto.ts). */
const MAX_AUDIENCES = 20;

interface SecurityValues extends PublicKeys, Requirements {
  exchange: boolean;
  audiences: string[];
  delegation: boolean;
  impersonation: boolean;
}

type SecurityErrors = RequirementsErrors & PublicKeysErrors & Partial<Record<'audiences' | 'modes', string>>;

function valuesOf(client: Client): SecurityValues {
  return {
    dpop: client.dpop_bound_access_tokens,
    par: client.require_pushed_authorization_requests,
    keySource: client.jwks !== null ? 'inline' : 'uri',
    jwksUri: client.jwks_uri ?? '',
    jwks: client.jwks === null ? '' : JSON.stringify(client.jwks, null, 2),
    exchange: client.token_exchange !== null,
    audiences: client.token_exchange?.audiences ?? [],
    delegation: client.token_exchange?.delegation ?? false,
    impersonation: client.token_exchange?.impersonation ?? false,
  };
}

function validate(values: SecurityValues, client: Client): SecurityErrors {
  const errors: SecurityErrors = client.token_endpoint_auth_method === 'private_key_jwt' ? publicKeysErrors(values) : {};
  if (values.exchange) {
    if (values.audiences.length === 0) errors.audiences = 'Name at least one audience: an API of the organization';
    else if (values.audiences.length > MAX_AUDIENCES) errors.audiences = `At most ${MAX_AUDIENCES} audiences`;
    else if (values.audiences.some((audience) => audience.length > 255)) errors.audiences = 'Each audience has at most 255 characters';
    if (!values.delegation && !values.impersonation) errors.modes = 'Allow delegation, impersonation or both: a policy with neither allows no exchange';
  }
  return errors;
}

const none = (errors: SecurityErrors) => Object.values(errors).every((problem) => problem === undefined);

const samePolicy = (a: TokenExchangePolicy | null, b: TokenExchangePolicy | null) =>
  a === null || b === null ? a === b : a.delegation === b.delegation && a.impersonation === b.impersonation && [...a.audiences].sort().join('\n') === [...b.audiences].sort().join('\n');

/**
 * The PUT body: the two switches always (harmless to repeat); keys and the exchange policy only when
 * changed, since the server checks them again (and a policy's audiences against the caller's scopes).
 * A policy brings the token-exchange grant type with it, and takes it away when cleared.
 */
function bodyOf(values: SecurityValues, client: Client): Record<string, unknown> {
  const body: Record<string, unknown> = requirementsBody(values);
  if (client.token_endpoint_auth_method === 'private_key_jwt') {
    if (values.keySource === 'uri' && values.jwksUri.trim() !== (client.jwks_uri ?? '')) body.jwks_uri = values.jwksUri.trim();
    if (values.keySource === 'inline') {
      const jwks = JSON.parse(values.jwks) as object;
      if (JSON.stringify(jwks) !== JSON.stringify(client.jwks)) body.jwks = jwks;
    }
  }
  const policy: TokenExchangePolicy | null = values.exchange ? { audiences: values.audiences, delegation: values.delegation, impersonation: values.impersonation } : null;
  if (!client.public && !samePolicy(policy, client.token_exchange)) {
    body.token_exchange = policy;
    const hasGrant = client.grant_types.includes(TOKEN_EXCHANGE_GRANT);
    if (policy !== null && !hasGrant) body.grant_types = [...client.grant_types, TOKEN_EXCHANGE_GRANT];
    const others = client.grant_types.filter((grant) => grant !== TOKEN_EXCHANGE_GRANT);
    if (policy === null && hasGrant && others.length > 0) body.grant_types = others;
  }
  return body;
}

/**
 * Where an API refusal belongs: validation errors name their field in `details`; the service's own
 * refusals are one message, which names the field (jwks_uri, jwks…) or is about the audiences.
 */
function apiErrors(error: ApiError): SecurityErrors {
  const message = error.details.length === 0 ? error.message : undefined;
  const starts = (prefix: string) => (message?.startsWith(prefix) ? message : undefined);
  return {
    ...requirementsApiErrors(error),
    ...publicKeysApiErrors(error),
    audiences: error.about('token_exchange.audiences') ?? starts('Unknown audiences') ?? starts('You cannot allow token exchange'),
    modes: error.about('token_exchange.delegation') ?? error.about('token_exchange.impersonation'),
  };
}

interface ApiSummary {
  identifier: string;
  name: string;
}

/** RFC 9449 DPoP, RFC 9126 PAR, how the client authenticates (and, for private_key_jwt, its public keys), and its RFC 8693 token-exchange policy. */
export function SecurityTab({ client, onSaved }: { client: Client; onSaved: () => Promise<void> }) {
  const can = useCan();
  const readOnly = !can('client:update');
  const [values, setValues] = useState<SecurityValues>(() => valuesOf(client));
  const [errors, setErrors] = useState<SecurityErrors>({});
  const apis = useQuery({ queryKey: ['apis'], queryFn: () => api<Page<ApiSummary>>('GET', '/api/v1/apis?size=100'), enabled: !readOnly && !client.public && can('api:read') });
  const save = useMutation({
    mutationFn: () => api<Client>('PUT', clientPath(client.client_id), bodyOf(values, client)),
    onSuccess: onSaved,
    onError: (error) => error instanceof ApiError && setErrors(apiErrors(error)),
  });
  const change = (changed: Partial<SecurityValues>) => setValues((current) => ({ ...current, ...changed }));
  const set = <K extends keyof SecurityValues>(key: K, value: SecurityValues[K]) => change({ [key]: value });
  const privateKeyJwt = client.token_endpoint_auth_method === 'private_key_jwt';
  const audienceOptions = (apis.data?.items ?? []).map((item) => ({ value: item.identifier, label: `${item.name} (${item.identifier})` }));

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const found = validate(values, client);
        setErrors(found);
        if (none(found)) save.mutate();
      }}
    >
      <Stack maw={640}>
        <Title order={2} size="h4">Token requests</Title>
        <RequireSwitches values={values} errors={errors} onChange={change} readOnly={readOnly} />

        <Divider />
        <Title order={2} size="h4">Client authentication</Title>
        <TextInput label="Authentication method" description={`${authMethodWords(client.token_endpoint_auth_method)}. Chosen when the client was created; it cannot change.`} value={client.token_endpoint_auth_method} readOnly />
        {(privateKeyJwt || client.token_endpoint_auth_method === 'client_secret_jwt') && (
          <Text size="sm">
            Assertion signing algorithm: {client.token_endpoint_auth_signing_alg ? <Code>{client.token_endpoint_auth_signing_alg}</Code> : 'any the method allows'}
          </Text>
        )}
        {privateKeyJwt && <PublicKeysFields values={values} errors={errors} onChange={change} readOnly={readOnly} description="Setting one replaces the other: a key rotation" />}

        <Divider />
        <Title order={2} size="h4">Token exchange</Title>
        {client.public ? (
          <Text size="sm">A public client cannot exchange tokens: it has no secret to authenticate with.</Text>
        ) : (
          <>
            <Switch
              label="Allow token exchange"
              description={`RFC 8693: the client trades tokens it received for tokens aimed at the audiences below.${readOnly ? '' : " Saving also adds the token-exchange grant type to the client's grant types, or removes it when turned off"}`}
              checked={values.exchange}
              onChange={(event) => set('exchange', event.currentTarget.checked)}
              disabled={readOnly}
            />
            {values.exchange && (
              <>
                <TagsInput
                  label="Audiences"
                  description={`Identifiers of the organization's APIs (or Gatehouse's own audience)${readOnly ? '' : '; press Enter after each. You must hold every scope of each'}`}
                  data={audienceOptions}
                  value={values.audiences}
                  onChange={(audiences) => set('audiences', audiences)}
                  error={errors.audiences}
                  readOnly={readOnly}
                  splitChars={[',', ' ']}
                  clearable={!readOnly}
                  comboboxProps={{ withinPortal: true }}
                />
                <Checkbox.Group label="Exchanges allowed" value={[...(values.delegation ? ['delegation'] : []), ...(values.impersonation ? ['impersonation'] : [])]} onChange={(modes) => setValues((current) => ({ ...current, delegation: modes.includes('delegation'), impersonation: modes.includes('impersonation') }))} error={errors.modes}>
                  <Stack gap={4} mt="xs">
                    <Checkbox value="delegation" label="Delegation" description="With an actor token: the new token names the actor in its act claim" disabled={readOnly} />
                    <Checkbox value="impersonation" label="Impersonation" description="Without an actor: the new token speaks for the subject token's subject alone" disabled={readOnly} />
                  </Stack>
                </Checkbox.Group>
              </>
            )}
          </>
        )}
        <ErrorAlert error={apis.error} title="Could not list the organization's APIs" />
        {save.error && none(save.error instanceof ApiError ? apiErrors(save.error) : {}) && <ErrorAlert error={save.error} title="The security settings were not saved" />}
        {save.isSuccess && !save.isPending && <Alert color="green" title="Saved">The client's security settings are saved.</Alert>}
        {!readOnly && (
          <Group>
            <Button type="submit" loading={save.isPending}>Save</Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
