/**
 * `swcli instance`: login, logout, select, list, info. Edits the swcli config file in place,
 * keeping every field it does not know.
 *
 * @module
 */

import { LOCAL_ALIAS } from "../../sdk/mod.ts";
import { ApiClient } from "../../remote/mod.ts";
import type { Command, Group } from "../command.ts";
import {
  type ConfigFile,
  recordLogin,
  recordLogout,
  recordSelectInstance,
  writeConfigFile,
} from "../config_file.ts";
import type { CliContext } from "../context.ts";
import { renderGrid, renderPairs } from "../output/grid.ts";

async function save(ctx: CliContext, file: ConfigFile): Promise<void> {
  await writeConfigFile(file, {
    root: await ctx.root(),
    user: ctx.io.env("USER") ?? ctx.io.env("USERNAME") ?? "",
  });
  ctx.reloadConfig();
}

function api(ctx: CliContext, url: string, token: string): ApiClient {
  const attempts = Number(ctx.io.env("SW_CLIENT_RETRY_ATTEMPTS") ?? 2);
  return new ApiClient({ url: url.replace(/\/+$/, ""), token, attempts });
}

/**
 * The project a login selects: the one already selected when the server still has it, else the
 * server's `self` project, else the first it lists; `undefined` when it lists none.
 */
async function defaultProject(client: ApiClient, selected?: string): Promise<string | undefined> {
  const data = await client.request("/project", { query: { pageNum: 1, pageSize: 100 } }) as {
    list?: { name?: unknown }[];
  };
  const names = (data?.list ?? []).map((p) => p.name).filter((n) => typeof n === "string");
  if (selected && names.includes(selected)) return selected;
  return names.includes("self") ? "self" : names[0] as string | undefined;
}

const login: Command = {
  name: "login",
  summary: "Log in to a Starwhale server with a token and remember it under an alias",
  description: "The token is checked against the server (GET /api/v1/user/current) first. The " +
    "login selects a project on the server (the one selected before if it is still there, else " +
    "'self', else the first the server lists); 'swcli project select' changes it.",
  positionals: [{ name: "URL" }],
  options: [
    { name: "token", type: "string", value: "TOKEN", description: "The access token (required)" },
    {
      name: "alias",
      type: "string",
      value: "ALIAS",
      description: "Name to use in URIs (cloud://ALIAS/...); default: the host name",
    },
  ],
  examples: [
    "swcli instance login http://127.0.0.1:8082 --token secret --alias dev",
    "swcli instance login https://cloud.starwhale.cn --token $SW_TOKEN --alias cloud-cn",
  ],
  async run(ctx, { options, positionals }) {
    const raw = String(positionals.URL);
    const url = (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`).replace(/\/+$/, "");
    const token = options.token ?? ctx.io.env("SW_TOKEN");
    if (typeof token !== "string" || token === "") {
      throw new TypeError("Cannot log in without a token: pass --token (or set SW_TOKEN)");
    }
    const alias = String(options.alias ?? new URL(url).hostname);
    const client = api(ctx, url, token);
    const user = await client.request("/user/current") as Record<string, unknown>;
    const { file, config } = await ctx.loadConfig();
    const project = await defaultProject(client, config.currentProject(alias));
    recordLogin(file, {
      alias,
      url,
      token,
      userName: typeof user?.name === "string" ? user.name : undefined,
      userRole: user?.systemRole === "OWNER" ? "admin" : "normal",
      project,
    });
    await save(ctx, file);
    if (ctx.json) await ctx.printJson({ alias, url, user: user?.name ?? null, project });
    else {
      await ctx.print(
        `👏 logged in to ${url} as '${user?.name ?? "?"}', alias '${alias}'` +
          (project ? `, project '${project}'` : ""),
      );
    }
    return 0;
  },
};

const logout: Command = {
  name: "logout",
  summary: "Forget an instance and its token",
  positionals: [{ name: "ALIAS" }],
  options: [],
  examples: ["swcli instance logout dev"],
  async run(ctx, { positionals }) {
    const { file } = await ctx.loadConfig();
    recordLogout(file, String(positionals.ALIAS));
    await save(ctx, file);
    if (ctx.json) await ctx.printJson({ alias: positionals.ALIAS, ok: true });
    else await ctx.print(`👏 logged out of '${positionals.ALIAS}'`);
    return 0;
  },
};

const select: Command = {
  name: "select",
  aliases: ["use"],
  summary: "Make an instance the default one",
  positionals: [{ name: "ALIAS" }],
  options: [],
  examples: ["swcli instance select dev", "swcli instance select local"],
  async run(ctx, { positionals }) {
    const { file } = await ctx.loadConfig();
    recordSelectInstance(file, String(positionals.ALIAS));
    await save(ctx, file);
    if (ctx.json) await ctx.printJson({ current_instance: positionals.ALIAS });
    else await ctx.print(`👏 selected instance '${positionals.ALIAS}'`);
    return 0;
  },
};

const list: Command = {
  name: "list",
  aliases: ["ls"],
  summary: "List the configured instances",
  positionals: [],
  options: [],
  examples: ["swcli instance list", "swcli -o json instance list"],
  async run(ctx) {
    const { config } = await ctx.loadConfig();
    const items = config.instances.map((i) => ({
      alias: i.alias,
      uri: i.uri,
      type: i.type,
      user: i.userName ?? "",
      current_project: config.currentProject(i.alias) ?? "",
      current: i.alias === config.currentAlias,
    }));
    if (ctx.json) return (await ctx.printJson(items), 0);
    await ctx.print(renderGrid(
      ["", "Alias", "URI", "Type", "User", "Current Project"],
      items.map((i) => [i.current ? "*" : "", i.alias, i.uri, i.type, i.user, i.current_project]),
      { width: ctx.io.columns },
    ));
    return 0;
  },
};

const info: Command = {
  name: "info",
  summary: "Show an instance: where it is, who is logged in, what the server says",
  positionals: [{ name: "ALIAS", optional: true }],
  options: [],
  examples: ["swcli instance info", "swcli instance info dev"],
  async run(ctx, { positionals }) {
    const { config } = await ctx.loadConfig();
    const alias = String(positionals.ALIAS ?? config.currentAlias);
    const entry = config.instance(alias);
    if (!entry) {
      throw new RangeError(
        `Cannot find instance '${alias}': configured aliases are ${
          config.instances.map((i) => i.alias).join(", ")
        }`,
      );
    }
    const out: Record<string, unknown> = {
      alias,
      uri: entry.uri,
      type: entry.type,
      user: entry.userName ?? "",
      current_project: config.currentProject(alias) ?? "",
    };
    if (entry.uri === LOCAL_ALIAS) out.root = config.root;
    else {
      const client = api(ctx, entry.uri, entry.token ?? "");
      // A `SystemVersionVo` `{id, version}`; older servers answer the bare string.
      const version = await client.request("/system/version");
      out.server_version = typeof version === "string"
        ? version
        : String((version as { version?: unknown } | null)?.version ?? "");
      out.user = (await client.request("/user/current") as { name?: string })?.name ?? out.user;
    }
    if (ctx.json) await ctx.printJson(out);
    else await ctx.print(renderPairs(Object.entries(out).map(([k, v]) => [k, String(v)])));
    return 0;
  },
};

/** The `instance` group. */
export const INSTANCE_GROUP: Group = {
  name: "instance",
  summary: "Instance management: login, logout, select, list, info",
  commands: [login, logout, select, list, info],
};
