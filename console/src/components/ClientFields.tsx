import { NumberInput, Stack, Textarea, TextInput } from '@mantine/core';
import { type ApiError } from '../api';
import { lines, uriProblem } from './common';

/** What the create and edit forms share; strings as typed, so a refused form keeps them. */
export interface ClientFieldValues {
  name: string;
  description: string;
  lifespan: string | number;
  redirectUris: string;
  logoUri: string;
  tosUri: string;
  policyUri: string;
}

export const emptyFields: ClientFieldValues = { name: '', description: '', lifespan: '', redirectUris: '', logoUri: '', tosUri: '', policyUri: '' };

export type FieldErrors = Partial<Record<keyof ClientFieldValues | 'permissions' | 'scopes', string>>;

export function validateFields(values: ClientFieldValues, isPublic: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (values.name.trim() === '') errors.name = 'Name the client';
  else if (values.name.length > 200) errors.name = 'At most 200 characters';
  if (values.description.length > 1000) errors.description = 'At most 1000 characters';
  if (values.lifespan !== '' && (!Number.isInteger(Number(values.lifespan)) || Number(values.lifespan) < 1 || Number(values.lifespan) > 86400)) errors.lifespan = 'Whole seconds, from 1 to 86400 (a day)';
  const uris = lines(values.redirectUris);
  const badUri = uris.map(uriProblem).find(Boolean);
  if (badUri) errors.redirectUris = badUri;
  else if (isPublic && uris.length === 0) errors.redirectUris = 'A public client needs at least one redirect URI';
  for (const key of ['logoUri', 'tosUri', 'policyUri'] as const) {
    const problem = values[key].trim() === '' ? undefined : uriProblem(values[key].trim());
    if (problem) errors[key] = problem;
  }
  return errors;
}

/** The API's field names, for its validation messages. */
const API_FIELDS: Record<keyof ClientFieldValues, string> = { name: 'name', description: 'description', lifespan: 'access_token_lifespan', redirectUris: 'redirect_uris', logoUri: 'logo_uri', tosUri: 'tos_uri', policyUri: 'policy_uri' };

export function apiFieldErrors(error: ApiError): FieldErrors {
  const errors: FieldErrors = {};
  for (const [key, field] of Object.entries(API_FIELDS) as [keyof ClientFieldValues, string][]) {
    const about = error.about(field);
    if (about) errors[key] = about;
  }
  return errors;
}

/** The body fields of the API for these values; `clear` sends null-free omissions for empty ones on create. */
export function fieldsBody(values: ClientFieldValues): Record<string, unknown> {
  const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());
  return {
    name: values.name.trim(),
    description: values.description,
    ...(values.lifespan !== '' && { access_token_lifespan: Number(values.lifespan) }),
    redirect_uris: lines(values.redirectUris),
    ...(optional(values.logoUri) && { logo_uri: optional(values.logoUri) }),
    ...(optional(values.tosUri) && { tos_uri: optional(values.tosUri) }),
    ...(optional(values.policyUri) && { policy_uri: optional(values.policyUri) }),
  };
}

export function ClientFields({ values, errors, onChange, readOnly = false }: { values: ClientFieldValues; errors: FieldErrors; onChange: (values: ClientFieldValues) => void; readOnly?: boolean }) {
  const text = (key: keyof ClientFieldValues) => ({
    value: String(values[key]),
    error: errors[key],
    readOnly,
    onChange: (event: { currentTarget: { value: string } }) => onChange({ ...values, [key]: event.currentTarget.value }),
  });
  return (
    <Stack gap="sm">
      <TextInput label="Name" required {...text('name')} />
      <Textarea label="Description" autosize minRows={2} {...text('description')} />
      <NumberInput label="Access Token Lifespan (seconds)" description="Empty: the organization's default" min={1} max={86400} allowDecimal={false} value={values.lifespan} error={errors.lifespan} readOnly={readOnly} onChange={(value) => onChange({ ...values, lifespan: value })} />
      <Textarea label="Redirect URIs" description="For apps that sign users in: one per line, https (http only on localhost)" autosize minRows={2} {...text('redirectUris')} />
      <TextInput label="Logo URL" description="Shown on the consent page" {...text('logoUri')} />
      <TextInput label="Terms of service URL" {...text('tosUri')} />
      <TextInput label="Privacy policy URL" {...text('policyUri')} />
    </Stack>
  );
}

export function valuesOf(client: { name: string | null; description: string | null; access_token_lifespan: number | null; redirect_uris: string[]; logo_uri: string | null; tos_uri: string | null; policy_uri: string | null }): ClientFieldValues {
  return {
    name: client.name ?? '',
    description: client.description ?? '',
    lifespan: client.access_token_lifespan ?? '',
    redirectUris: client.redirect_uris.join('\n'),
    logoUri: client.logo_uri ?? '',
    tosUri: client.tos_uri ?? '',
    policyUri: client.policy_uri ?? '',
  };
}
