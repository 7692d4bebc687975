// A failure of the hosted pages that is shown to the user, never redirected; `code` is the OAuth
// error it stands for, if any, shown for the application's developer.
export class PageError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

// Where a signed-out browser is sent from a page for signed-in users.
export const SIGN_IN_PATH = '/login';

// Thrown for a signed-out browser on a page for signed-in users; it is sent to sign in.
export class SignInRequired extends Error {
  constructor() {
    super('sign in required');
  }
}
