/**
 * The exit codes scripts can rely on (listed in `gatehouse --help`). Authentication failures and an
 * unreachable server have codes of their own so that a script can tell "log in again" and "retry
 * later" from "the server refused this request".
 */
export const EXIT = {
  ok: 0,
  /** The server refused the request (not found, conflict, forbidden, invalid value), or the operation failed. */
  failure: 1,
  /** Unknown command or option, a missing or invalid argument, or an invalid server configuration. */
  usage: 2,
  /** No credentials, or the server refused them (bad client id or secret, token refused). */
  auth: 3,
  /** The server could not be reached. */
  unreachable: 4,
} as const;

/** An error the command line reports as one line on stderr (never a stack trace) and exits with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    /** The HTTP status of the server's refusal, when it is one. */
    readonly status?: number,
  ) {
    super(message);
  }
}
