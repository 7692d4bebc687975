// RFC 8707 §2: a resource indicator is an absolute URI without a fragment.
export function resourceIndicatorProblem(value: string): string | undefined {
  if (value.length > 255) {
    return 'must be at most 255 characters';
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URI';
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value) || url.protocol.length < 2) {
    return 'must be an absolute URI';
  }
  return value.includes('#') ? 'must not contain a fragment' : undefined;
}
