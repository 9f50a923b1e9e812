// The example's own answers other than the token's (400, 409): sent as they are by the error handler.
// The token's answers (401, 403, 503) come from the resource-server library's hook.

export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {Record<string, unknown>} body
   */
  constructor(status, body) {
    super(String(body.message ?? status));
    this.status = status;
    this.body = body;
  }
}
