import { describe, expect, test } from 'vitest';
import { aclPermissions, registry } from '../src/standins/dragonfly-acl.ts';

// Expectations from upstream v1.40.0: src/server/acl/acl_family_test.cc and the registrations the fixture was
// extracted from (string_family.cc GET/SET implicit categories, server_family.cc kInfo = SLOW | DANGEROUS, ...).
describe("the Dragonfly stand-in's ACL rules, as Dragonfly v1.40.0 reads them", () => {
  test('the registry has every family: strings, ACL subcommands as two-word commands, modules', () => {
    expect(registry.get('GET')).toEqual(new Set(['READ', 'STRING', 'FAST']));
    expect(registry.get('SET')).toEqual(new Set(['WRITE', 'STRING', 'SLOW']));
    expect(registry.get('INFO')).toEqual(new Set(['SLOW', 'DANGEROUS']));
    expect(registry.get('ACL LOG')).toEqual(new Set(['ADMIN', 'SLOW', 'DANGEROUS']));
    expect(registry.get('JSON.GET')).toEqual(new Set(['JSON']));
    expect(registry.size).toBeGreaterThan(300);
  });

  test('a new user may run nothing; categories add and remove in order', () => {
    expect(aclPermissions([])('PING')).toBe(false);
    const reader = aclPermissions(['on', '>secret', '~*', '+@read']);
    expect(reader('GET')).toBe(true);
    expect(reader('SET')).toBe(false);
    const allButDangerous = aclPermissions(['+@all', '-@dangerous']);
    for (const command of ['GET', 'SET', 'PING']) expect(allButDangerous(command), command).toBe(true);
    for (const command of ['INFO', 'FLUSHALL', 'KEYS', 'ACL LOG', 'CONFIG']) expect(allButDangerous(command), command).toBe(false);
    expect(aclPermissions(['-@all', '+@fast', '-get'])('GET')).toBe(false);
    expect(aclPermissions(['nocommands', '+get'])('GET')).toBe(true);
  });

  test('ACL subcommands are granted one by one: +acl log is not ACL GETUSER', () => {
    const permitted = aclPermissions(['-@all', '+acl log']);
    expect(permitted('ACL LOG')).toBe(true);
    expect(permitted('ACL GETUSER')).toBe(false);
  });

  test('what ACL SETUSER refuses, the stand-in refuses at start', () => {
    expect(() => aclPermissions(['+@nonsense'])).toThrow('Unrecognized parameter +@NONSENSE');
    expect(() => aclPermissions(['+@NONE'])).toThrow('Unrecognized parameter +@NONE');
    expect(() => aclPermissions(['+nosuchcommand'])).toThrow('Unrecognized parameter +NOSUCHCOMMAND');
  });
});
