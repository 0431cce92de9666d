export { type DbKey, isPattern, keysToRead, parseDbKeys } from './keys-argument.ts';
export { keyGroupOf, luaPatternToRegExp } from './lua-pattern.ts';
export { type KeyCheckOptions, keyCheckFlags, keyCheckOptionsFromFlags, noKeyChecks } from './options.ts';
export { advanceScans, checkSelected, inDatabase, ResumableScan } from './scan.ts';
