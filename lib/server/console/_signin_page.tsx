/** @jsxImportSource npm:hono@4.13.19/jsx */
/**
 * The sign-in page and the error page.
 *
 * @module
 */

import { type Frame, type Html, Layout, Notice } from "./_layout.tsx";

/** The sign-in form: the server's token, and where to go next. */
export const SignInPage = ({ next, failed }: { next: string; failed?: boolean }): Html => (
  <Layout frame={{ title: "Sign in" }}>
    <div class="signin">
      <h1>Sign in</h1>
      <p>
        Enter the token the server was started with (<code>swcli server start --token …</code>).
      </p>
      {failed ? <Notice error>That token is not this server's token.</Notice> : null}
      <form method="post" action="/signin">
        <input type="hidden" name="next" value={next} />
        <label>
          Token
          <input type="password" name="token" autocomplete="current-password" required autofocus />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </div>
  </Layout>
);

/** A page that says what could not be shown, and why. */
export const ErrorPage = (
  { frame, status, message }: { frame: Frame; status: number; message: string },
): Html => (
  <Layout frame={frame}>
    <h1>
      {status === 404 ? "Not found" : status < 500 ? "Cannot show this page" : "Something failed"}
    </h1>
    <Notice error>{message}</Notice>
    <p>
      <a href="/">Back to the jobs</a>
    </p>
  </Layout>
);
