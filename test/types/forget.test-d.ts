import type { ForgetContext, Projection, SnapshotConfig, SqlDb } from '@strata/state/server'
import { tableProjection } from '@strata/state/server'
import { describe, expectTypeOf, it } from 'vitest'

type Board = { authors: Record<string, string>; cards: { id: string; authorId: string }[] }
type Names = { names: Record<string, string> }

describe('forget hooks are typed by the state they scrub', () => {
  it('a snapshot hook gets a draft of its state and the context; it may return the next state', () => {
    const snapshot: SnapshotConfig<Board> = {
      name: 'board',
      version: 1,
      initialState: { authors: {}, cards: [] },
      reducer: () => {},
      forget: (draft, context) => {
        expectTypeOf(draft.authors).toEqualTypeOf<Record<string, string>>()
        expectTypeOf(draft.cards[0]!.authorId).toEqualTypeOf<string>()
        expectTypeOf(context).toEqualTypeOf<ForgetContext>()
        expectTypeOf(context.subject).toEqualTypeOf<string>()
        expectTypeOf(context.fields).toEqualTypeOf<Readonly<Record<string, readonly string[]>>>()
      },
    }
    const returning: SnapshotConfig<Board> = {
      ...snapshot,
      forget: (draft) => ({ ...draft, authors: {} }),
    }
    // @ts-expect-error: the next state must be a Board
    const wrong: SnapshotConfig<Board> = { ...snapshot, forget: () => ({ authors: 1 }) }
    expectTypeOf(returning).not.toBeAny()
    expectTypeOf(wrong).not.toBeAny()
  })

  it('a JSON projection hook gets a draft of its state', () => {
    const projection: Projection<Names> = {
      name: 'names',
      initialState: { names: {} },
      apply: (state) => state,
      forget: (draft, { subject }) => {
        expectTypeOf(draft.names).toEqualTypeOf<Record<string, string>>()
        delete draft.names[subject]
      },
    }
    expectTypeOf(projection.forget).not.toBeAny()
  })

  it('a table projection hook gets SQL on its tables', () => {
    tableProjection({
      name: 'authors',
      version: 1,
      tables: { authors: 'id TEXT NOT NULL, name TEXT, PRIMARY KEY (id)' },
      apply: () => {},
      forget: async (db, { subject }) => {
        expectTypeOf(db).toEqualTypeOf<SqlDb>()
        await db.run('UPDATE {authors} SET name = NULL WHERE id = ?', [subject])
      },
    })
  })
})
