import { KeepwatchError } from '@keepwatch/core/errors';

/** Lua's character classes (Lua 5.1 manual §5.4.1); the upper-case letter is the complement. */
const classes: Record<string, string> = {
  a: 'A-Za-z',
  c: '\\x00-\\x1f\\x7f',
  d: '0-9',
  g: '\\x21-\\x7e',
  l: 'a-z',
  p: '!-/:-@\\[-`{-~',
  s: '\\t-\\r ',
  u: 'A-Z',
  w: 'A-Za-z0-9',
  x: 'A-Fa-f0-9',
};

const regexSpecial = /[\\^$.*+?()[\]{}|/-]/;

function escaped(char: string): string {
  return regexSpecial.test(char) ? `\\${char}` : char;
}

/**
 * A Lua pattern as redis_exporter's key groups take it (its script runs `string.find(key, pattern)` and
 * joins the captures into the group name; exporter/key_groups.go at v1.69.0), as a RegExp with the same
 * matches and captures. keepwatch runs no scripts on the server, so the pattern is matched here; `%b`,
 * `%f`, back-references and position captures have no RegExp form and are refused at startup.
 */
export function luaPatternToRegExp(pattern: string, flag: string): RegExp {
  const refuse = (why: string): never => {
    throw new KeepwatchError('KW_ERR_FLAG', `--${flag} ${JSON.stringify(pattern)}: ${why}`);
  };
  let out = '';
  let index = 0;
  if (pattern.startsWith('^')) {
    out = '^';
    index = 1;
  }
  const classAt = (at: number, inSet: boolean): { text: string; next: number } => {
    const letter = pattern[at + 1];
    if (letter === undefined) return refuse('the pattern ends with %');
    const lower = letter.toLowerCase();
    const range = classes[lower];
    if (range !== undefined) {
      const negated = letter !== lower;
      if (inSet && negated) return refuse(`%${letter} inside a set has no RegExp form`);
      return { text: inSet ? range : `[${negated ? '^' : ''}${range}]`, next: at + 2 };
    }
    if (/[a-zA-Z0-9]/.test(letter)) return refuse(`%${letter} (balances, frontiers, back-references) is not supported`);
    return { text: escaped(letter), next: at + 2 };
  };
  let atoms = 0;
  while (index < pattern.length) {
    const char = pattern[index] ?? '';
    let atom: string;
    if (char === '$' && index === pattern.length - 1) {
      out += '$';
      break;
    }
    if (char === '(') {
      if (pattern[index + 1] === ')') refuse('position captures () are not supported');
      out += '(';
      index += 1;
      continue;
    }
    if (char === ')') {
      out += ')';
      index += 1;
      continue;
    }
    if (char === '%') {
      const { text, next } = classAt(index, false);
      atom = text;
      index = next;
    } else if (char === '[') {
      let set = '[';
      let at = index + 1;
      if (pattern[at] === '^') {
        set += '^';
        at += 1;
      }
      let first = true;
      while (at < pattern.length && (pattern[at] !== ']' || first)) {
        first = false;
        if (pattern[at] === '%') {
          const { text, next } = classAt(at, true);
          set += text;
          at = next;
        } else if (pattern[at] === '-' && pattern[at + 1] !== ']' && set.length > 1 && set !== '[^') {
          set += '-';
          at += 1;
        } else {
          set += /[\\\]^[-]/.test(pattern[at] ?? '') ? `\\${pattern[at]}` : pattern[at];
          at += 1;
        }
      }
      if (pattern[at] !== ']') refuse('a set [ is not closed');
      atom = `${set}]`;
      index = at + 1;
    } else if (char === '.') {
      atom = '[\\s\\S]';
      index += 1;
    } else {
      atom = escaped(char);
      index += 1;
    }
    atoms += 1;
    const quantifier = pattern[index];
    if (quantifier === '*' || quantifier === '+' || quantifier === '?') {
      atom += quantifier;
      index += 1;
    } else if (quantifier === '-') {
      atom += '*?';
      index += 1;
    }
    out += atom;
  }
  if (atoms === 0 && out.replace(/[()^$]/g, '') === '') refuse('the pattern matches nothing in particular');
  try {
    return new RegExp(out);
  } catch (error) {
    return refuse(`not a pattern this exporter can match (${(error as Error).message})`);
  }
}

/** redis_exporter's group name: the captures joined, or the whole match's empty join when there are none. */
export function keyGroupOf(key: string, patterns: readonly RegExp[]): string | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(key);
    if (match !== null) return match.slice(1).join('');
  }
  return undefined;
}
