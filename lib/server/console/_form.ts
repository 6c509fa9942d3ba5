/**
 * Reads the console's small forms (sign-in, sign-out, job actions) with a size limit, so an
 * unauthenticated visitor cannot make the server buffer a large body.
 *
 * @module
 */

/** Largest form body the console reads, in bytes. */
export const FORM_LIMIT = 16 * 1024;

/** Raised when a form body is larger than {@link FORM_LIMIT}. */
export class FormTooLargeError extends RangeError {
  /** The error class name. */
  override name = "FormTooLargeError";
}

/**
 * The fields of an `application/x-www-form-urlencoded` body.
 *
 * @param request The request.
 * @returns The fields (`get` gives `null` for a missing one).
 * @throws {FormTooLargeError} When the body is larger than {@link FORM_LIMIT}.
 */
export async function readForm(request: Request): Promise<URLSearchParams> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > FORM_LIMIT) throw tooLarge(declared);
  if (!request.body) return new URLSearchParams();
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = "", size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > FORM_LIMIT) {
      await reader.cancel();
      throw tooLarge(size);
    }
    text += decoder.decode(value, { stream: true });
  }
  return new URLSearchParams(text + decoder.decode());
}

function tooLarge(size: number): FormTooLargeError {
  return new FormTooLargeError(
    `Cannot read the form: its body has ${size}+ bytes, more than the ${FORM_LIMIT} a console form may have`,
  );
}
