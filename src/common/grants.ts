// What a user granted a client (or, without userId, everything granted to the client): the unit
// in which codes, consents and tokens are withdrawn together.
export type GrantsOf = { clientId: string; userId?: string };
