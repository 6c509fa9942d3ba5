/**
 * The package's external dependencies, pinned in one place. Specifiers are inline (`npm:…@x.y.z`)
 * so the module imports by path or URL with no import map; a switch to another registry is a
 * one-line change here.
 *
 * @module
 */
export { parse as parseYaml, stringify as stringifyYaml } from "npm:yaml@2.9.1";
export { Hono } from "npm:hono@4.13.19";
export type { Context } from "npm:hono@4.13.19";
export type { Child, FC } from "npm:hono@4.13.19/jsx";
