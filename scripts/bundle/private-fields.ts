import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/**
 * ioredis 6 ships its RESP decoder (built/resp/decoder.js, adapted from node-redis) compiled by tsc for a
 * target without private class members: every `#cursor` read is `__classPrivateFieldGet(this, state, "f")`,
 * a WeakMap lookup behind a brand check, and every private method call goes through the same helper.
 * Decoding one scrape's replies (a real capture of the eight commands valkey-exporter sends) took 58-68 µs
 * in a loop, 18-26 µs with the members as plain properties. In the bundle the decoder's private members
 * become properties of the same names; nothing else about it changes. A decoder that no longer uses the
 * helpers (a newer ioredis), or uses them in a form this does not know, fails the bundle rather than
 * shipping half rewritten.
 */
const rewritten = /[\\/]ioredis[\\/]built[\\/]resp[\\/]decoder\.js$/;

const helpers = ['__classPrivateFieldGet(', '__classPrivateFieldSet('] as const;

/** The comma-separated arguments of the call whose `(` ends just before `start`, and the index of its `)`. */
function callArguments(source: string, start: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let argStart = start;
  for (let index = start; index < source.length; index += 1) {
    const char = source[index] as string;
    if (quote !== undefined) {
      if (char === '\\') index += 1;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'" || char === '`') quote = char;
    else if (char === '(' || char === '[' || char === '{') depth += 1;
    else if (char === ',' && depth === 0) {
      args.push(source.slice(argStart, index).trim());
      argStart = index + 1;
    } else if (char === ')' || char === ']' || char === '}') {
      if (depth === 0) {
        args.push(source.slice(argStart, index).trim());
        return { args, end: index };
      }
      depth -= 1;
    }
  }
  throw new Error('unbalanced call');
}

/** One helper call as plain JavaScript (tslib's semantics for kinds "f" and "m", without the brand check). */
function plainAccess(helper: (typeof helpers)[number], args: string[]): string {
  if (helper === '__classPrivateFieldGet(') {
    const [receiver, state, kind, holder] = args;
    if (kind === '"m"' && holder !== undefined) return holder;
    if (kind === '"f"') return holder === undefined ? `${receiver}.${state}` : `${holder}.value`;
  } else {
    const [receiver, state, value, kind, holder] = args;
    if (kind === '"f"' && holder === undefined) return `(${receiver}.${state} = ${value})`;
  }
  throw new Error(`private member access of an unexpected form: ${helper}${args.join(', ')})`);
}

/**
 * `source` with every tsc private-member helper call replaced by a plain property access, and each
 * `state.set(this, value)` that initialises one in a constructor by an assignment. Nested calls (an
 * argument that is itself a helper call) are rewritten too.
 */
export function inlinePrivateFields(source: string): { code: string; calls: number } {
  let code = '';
  let calls = 0;
  let from = 0;
  for (;;) {
    const found = helpers
      .map((helper) => ({ helper, at: source.indexOf(helper, from) }))
      .filter(({ at }) => at !== -1)
      .sort((a, b) => a.at - b.at)[0];
    if (found === undefined) break;
    const { args, end } = callArguments(source, found.at + found.helper.length);
    const inner = args.map((arg) => {
      const rewrittenArg = inlinePrivateFields(arg);
      calls += rewrittenArg.calls;
      return rewrittenArg.code;
    });
    code += source.slice(from, found.at) + plainAccess(found.helper, inner);
    calls += 1;
    from = end + 1;
  }
  code += source.slice(from);
  const states = [...code.matchAll(/\b(\w+) = new WeakMap\(\)/g)].map((match) => match[1] as string);
  for (const state of states) code = code.replaceAll(new RegExp(`\\b${state}\\.set\\(this, ([^;]*)\\);`, 'g'), `this.${state} = $1;`);
  return { code, calls };
}

export const privateFieldsPlugin: Plugin = {
  name: 'private-fields',
  setup(build) {
    build.onLoad({ filter: rewritten }, async (args) => {
      const { code, calls } = inlinePrivateFields(await readFile(args.path, 'utf8'));
      const left = helpers.some((helper) => code.includes(helper)) || /\.(get|set)\(this\b/.test(code);
      if (calls === 0 || left) {
        throw new Error(`${args.path}: not the tsc private-member helpers scripts/bundle/private-fields.ts rewrites (${calls} rewritten, some left: ${left})`);
      }
      return { contents: code, loader: 'js' };
    });
  },
};
