/**
 * The token check in front of every `/api/v1` route.
 *
 * @module
 */
import { jsonResponse } from "./api_error.ts";

/**
 * Checks a request's token: the `Authorization` header, as `Bearer <token>` or the bare token (as
 * Starwhale's Python client sends what the user typed at login), compared in constant time. Never
 * the query string: URLs end up in logs and shell history.
 *
 * @param request The request.
 * @param token The expected token (without `Bearer `).
 * @returns `undefined` when allowed, else the 401 response (upstream's body, without `data`).
 */
export function checkAuth(request: Request, token: string): Response | undefined {
  const header = request.headers.get("authorization")?.trim();
  if (!header) return jsonResponse(401, { code: "Unauthorized", message: "Not logged in." });
  const typed = header.startsWith("Bearer ") ? header.slice(7).trim() : header;
  const given = new TextEncoder().encode(typed);
  const want = new TextEncoder().encode(token);
  let diff = given.length ^ want.length;
  for (let i = 0; i < want.length; i++) diff |= want[i] ^ (given[i % (given.length || 1)] ?? 0);
  if (diff !== 0) {
    return jsonResponse(401, {
      code: "Unauthorized",
      message: "The token is not valid for this server.",
    });
  }
  return undefined;
}
