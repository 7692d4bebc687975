import type { FieldErrors } from '../common/validation';
import { stringField } from '../pages/form-field';

// The register and edit forms of the developer portal, read into the JSON API's input (so both
// are validated by the same DTOs) and kept as typed, to show again with their problems.

export type AppFormValues = {
  client_name: string;
  description: string;
  client_uri: string;
  redirect_uris: string;
  scopes: string[];
  client_type: 'public' | 'confidential';
};

const FORM_FIELDS = ['client_name', 'description', 'client_uri', 'redirect_uris', 'scope'];

export function readAppForm(body: unknown): AppFormValues {
  const scope = (body as Record<string, unknown> | undefined)?.scope;
  const scopes = (Array.isArray(scope) ? scope : [scope]).filter(
    (value): value is string => typeof value === 'string',
  );
  return {
    client_name: stringField(body, 'client_name') ?? '',
    description: stringField(body, 'description') ?? '',
    client_uri: stringField(body, 'client_uri') ?? '',
    redirect_uris: stringField(body, 'redirect_uris') ?? '',
    scopes,
    client_type: stringField(body, 'client_type') === 'public' ? 'public' : 'confidential',
  };
}

// One redirect URI per line; the blanks around a line are the textarea's, not the URI's.
export function redirectUriLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

// An empty optional field is one left out.
export function registrationInput(form: AppFormValues): Record<string, unknown> {
  return {
    client_name: form.client_name,
    description: form.description || undefined,
    client_uri: form.client_uri || undefined,
    redirect_uris: redirectUriLines(form.redirect_uris),
    scope: form.scopes.join(' '),
    token_endpoint_auth_method: form.client_type === 'public' ? 'none' : 'client_secret_basic',
  };
}

export function editInput(form: AppFormValues): Record<string, unknown> {
  return { description: form.description, redirect_uris: redirectUriLines(form.redirect_uris) };
}

// Each form field's problems as one line (null when it has none); problems with no field of
// their own (such as the client's cross-field rules) go under `form`.
export function formErrors(fields: FieldErrors): Record<string, string | null> {
  const errors: Record<string, string | null> = { form: null };
  for (const name of FORM_FIELDS) {
    errors[name] = null;
  }
  for (const [field, problems] of Object.entries(fields)) {
    const name = FORM_FIELDS.includes(field) ? field : 'form';
    errors[name] = [errors[name], ...problems].filter(Boolean).join('; ');
  }
  return errors;
}
