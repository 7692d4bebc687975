// The hosted pages of signed-in users, each a place to come back to after sign-in.
export const PORTAL_PAGES = ['/developer/apps', '/account/apps'] as const;
export type PortalPage = (typeof PORTAL_PAGES)[number];

export function isPortalPage(value: unknown): value is PortalPage {
  return PORTAL_PAGES.includes(value as PortalPage);
}
