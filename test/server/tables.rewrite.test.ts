import { describe, expect, it } from 'vitest'
import { rewrite } from '../../src/server/tables/scoped'
import { numberPlaceholders } from '../../src/server/tables/sql'

const map = {
  real: new Map([
    ['cards', 's.tp_x_g1_cards'],
    ['cols', 's.tp_x_g1_cols'],
  ]),
  columns: new Map([
    ['cards', ['id', 'title']],
    ['cols', ['id']],
  ]),
}
const sub = (table: string, cols: string) =>
  `(SELECT ${cols} FROM s.tp_x_g1_${table} WHERE strata_tenant = 'o''k')`

describe('table SQL rewriting', () => {
  it.each([
    [
      'SELECT id FROM {cards} WHERE title = ?',
      `SELECT id FROM ${sub('cards', 'id, title')} AS cards WHERE title = ?`,
    ],
    [
      'SELECT c.id FROM {cards} c JOIN {cols} ON true',
      `SELECT c.id FROM ${sub('cards', 'id, title')} c JOIN ${sub('cols', 'id')} AS cols ON true`,
    ],
    [
      "UPDATE {cards} SET title = '?' WHERE id = ? OR title = ? RETURNING id",
      "UPDATE s.tp_x_g1_cards SET title = '?' WHERE strata_tenant = 'o''k' AND ( id = ? OR title = ? )RETURNING id",
    ],
    ['DELETE FROM {cards};', "DELETE FROM s.tp_x_g1_cards WHERE strata_tenant = 'o''k';"],
    [
      'INSERT INTO {cards} (id, title) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title',
      'INSERT INTO s.tp_x_g1_cards (id, title) VALUES (?, ?) ON CONFLICT (strata_tenant, id) DO UPDATE SET title = excluded.title',
    ],
    [
      'DELETE FROM {cards} WHERE id IN (SELECT id FROM {cols})',
      `DELETE FROM s.tp_x_g1_cards WHERE strata_tenant = 'o''k' AND ( id IN (SELECT id FROM ${sub('cols', 'id')} AS cols))`,
    ],
  ])('%s', (sql, expected) => {
    expect(rewrite(sql, map, "o'k", false)).toBe(expected)
  })

  it('only renames for a projection over all tenants', () => {
    expect(rewrite('UPDATE {cards} SET title = ?', map, undefined, false)).toBe(
      'UPDATE s.tp_x_g1_cards SET title = ?',
    )
  })

  it('refuses writes, real table names and unknown tables in a view', () => {
    expect(() => rewrite('DELETE FROM {cards}', map, 't', true)).toThrow(/SELECT only/)
    expect(() => rewrite('SELECT * FROM s.tp_x_g1_cards', map, 't', true)).toThrow(/as \{name\}/)
    const pg = { ...map, reserved: /^s$/i }
    expect(() => rewrite('SELECT * FROM s.events', pg, 't', true)).toThrow(
      /no table of the store \(s\)/,
    )
    const sqlite = { ...map, reserved: /^strata_/i }
    expect(() => rewrite('SELECT * FROM strata_events', sqlite, 't', true)).toThrow(/strata_events/)
    // A column that merely starts like one is fine.
    expect(rewrite('SELECT tp_count FROM {cols}', sqlite, 't', true)).toContain('tp_count')
    expect(() => rewrite('SELECT * FROM {nope}', map, 't', true)).toThrow(
      /no table \{nope\}.*\{cards\}, \{cols\}/,
    )
  })

  it('numbers placeholders outside literals and comments', () => {
    expect(numberPlaceholders('SELECT ? , \'?\', "a?" -- ?\n, ? /* ? */')).toBe(
      'SELECT $1 , \'?\', "a?" -- ?\n, $2 /* ? */',
    )
  })
})
