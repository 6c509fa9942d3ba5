/**
 * A server in a child process (`deno run -A <code>/lib/server/serve.ts`) over a storage root, as
 * a remote server runs: the benches measure it from outside, and can run an older checkout of
 * this package (`code`) against the current one in the same run.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout this bench file belongs to. */
export const HERE: string = fileURLToPath(new URL("..", import.meta.url));

/** A running child server. */
export interface ChildServer {
  /** `http://127.0.0.1:port`. */
  url: string;
  /** The child's process id. */
  pid: number;
  /** Its peak resident memory so far in MiB (Linux `VmHWM`), or NaN elsewhere. */
  peakRssMiB(): number;
  /**
   * Stops it (SIGTERM: it flushes and closes) and waits; with `watchLoop`, resolves with every
   * stall of its event loop over 20 ms as `[wall ms, process cpu ms]`, else with `[]`.
   */
  stop(): Promise<[number, number][]>;
}

/**
 * Starts `serve.ts` of the checkout `code` over `root` on a free port.
 *
 * @param root The storage root.
 * @param options The checkout (default this one), token, durability.
 * @returns The server, once it listens.
 */
export async function childServer(
  root: string,
  options: { code?: string; token?: string; durability?: string; watchLoop?: boolean } = {},
): Promise<ChildServer> {
  const code = options.code ?? HERE;
  const main = options.watchLoop
    ? [join(HERE, "bench/_lag_server.ts"), code]
    : [join(code, "lib/server/serve.ts")];
  const child = new Deno.Command(Deno.execPath(), {
    // SW_BENCH_SERVER_FLAGS adds Deno flags to the child (e.g. `--cpu-prof` to profile it).
    args: [
      "run",
      "-A",
      ...(Deno.env.get("SW_BENCH_SERVER_FLAGS") ?? "").split(" ").filter(Boolean),
      ...main,
    ],
    env: {
      SW_LOCAL_STORAGE: root,
      SW_SERVER_TOKEN: options.token ?? "bench",
      SW_SERVER_PORT: "0",
      SW_SERVER_DURABILITY: options.durability ?? "fsync",
    },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the server did not start: ${text}`);
    text += value;
  }
  const url = text.match(/(http:\/\/[^/\s]+)/)?.[1];
  if (!url) throw new Error(`no URL in ${JSON.stringify(text)}`);
  return {
    url,
    pid: child.pid,
    peakRssMiB() {
      try {
        const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
        return Number(status.match(/VmHWM:\s+(\d+)/)?.[1]) / 1024;
      } catch {
        return NaN;
      }
    },
    async stop() {
      child.kill("SIGTERM");
      let rest = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        rest += value;
      }
      await child.status;
      const lag = rest.match(/^lag (.*)$/m)?.[1];
      return lag ? JSON.parse(lag) : [];
    },
  };
}

/** The median of some numbers. */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1];
}

/** The `q` quantile (0..1) of some numbers. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
