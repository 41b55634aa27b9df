// The board's cards in an SQL table on the server: the "On the server" panel's counts and the
// search by column and title. A table projection applied inside each append's transaction, so
// a read with the page's token always includes its own writes. Pure: the server and tests
// import it.
import { type SqlDb, tableProjection } from '@strata/state/server'
import type { BoardEvent, ColumnId } from './src/board'
import { emptyBoard } from './src/board'
import type { BoardStats } from './src/stats'

/** A card a search found. */
export interface CardMatch {
  id: string
  title: string
  columnId: ColumnId
}

/** `GET /api/views/cards`: the counts; with `?column=` and/or `?q=`, also the matching cards. */
export interface CardsView extends BoardStats {
  matches?: CardMatch[]
}

const upsert = (db: SqlDb, id: string, columnId: string, title: string) =>
  db.run(
    `INSERT INTO {cards} (id, column_id, title) VALUES (?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET column_id = excluded.column_id, title = excluded.title`,
    [id, columnId, title],
  )

/** Matches `%`, `_` and `\` literally in a LIKE pattern. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

export const cardsView = tableProjection({
  name: 'cards',
  version: 1,
  tables: {
    cards: 'id TEXT NOT NULL, column_id TEXT NOT NULL, title TEXT NOT NULL, PRIMARY KEY (id)',
  },
  indexes: { cards: ['column_id, title'] },
  async apply(event, db) {
    const { type, payload } = event as unknown as BoardEvent
    switch (type) {
      case 'card/created':
        return void (await upsert(db, payload.id, payload.columnId, payload.title))
      case 'card/restored':
        return void (await upsert(db, payload.id, payload.columnId, payload.card.title))
      case 'card/edited':
        return void (await db.run('UPDATE {cards} SET title = ? WHERE id = ?', [
          payload.title,
          payload.id,
        ]))
      case 'card/moved':
        return void (await db.run('UPDATE {cards} SET column_id = ? WHERE id = ?', [
          payload.to,
          payload.id,
        ]))
      case 'card/deleted':
        return void (await db.run('DELETE FROM {cards} WHERE id = ?', [payload.id]))
    }
  },
  // Titles and columns only, no author: a forget has nothing to scrub here (no rebuild).
  forget: () => {},
  async read(db, { column, q }): Promise<CardsView> {
    const counts = await db.all<{ column_id: string; n: number }>(
      'SELECT column_id, count(*) AS n FROM {cards} GROUP BY column_id',
    )
    const count = (id: string) => counts.find((c) => c.column_id === id)?.n ?? 0
    const columns = emptyBoard.columns.map(({ id, title }) => ({ id, title, count: count(id) }))
    const view: CardsView = { total: columns.reduce((sum, c) => sum + c.count, 0), columns }
    if (column || q) {
      const rows = await db.all<{ id: string; title: string; column_id: ColumnId }>(
        `SELECT id, title, column_id FROM {cards}
         WHERE (? = '' OR column_id = ?) AND lower(title) LIKE ? ESCAPE '\\'
         ORDER BY lower(title), id LIMIT 50`,
        [column ?? '', column ?? '', `%${likeLiteral((q ?? '').toLowerCase())}%`],
      )
      view.matches = rows.map((r) => ({ id: r.id, title: r.title, columnId: r.column_id }))
    }
    return view
  },
})
