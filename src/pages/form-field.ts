// One string field of a parsed query or form body. A missing, repeated or structured field is
// undefined, so it never names a pending request or reaches a lookup as an array or object.
export function stringField(fields: unknown, name: string): string | undefined {
  const value = (fields as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}
