// A failure of the hosted pages that is shown to the user, never redirected.
export class PageError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}
