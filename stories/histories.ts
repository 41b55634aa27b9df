import { createStore, type Store } from '@strata/state'
import { replicaOf } from '@strata/state/sync'

// Realistic generated histories for the stories: a grocery list with commands a user would
// send, some rejected, a reducer error now and then, a server rejection and remote events.

export interface Item {
  id: string
  text: string
  done: boolean
  qty: number
}
export interface Groceries {
  items: Item[]
  note: string
  owner: { name: string; lists: string[] }
}

export type GroceryEvent =
  | { type: 'itemAdded'; payload: { id: string; text: string; qty: number } }
  | { type: 'itemToggled'; payload: { id: string } }
  | { type: 'itemRemoved'; payload: { id: string } }
  | { type: 'qtyChanged'; payload: { id: string; qty: number } }
  | { type: 'noteChanged'; payload: string }

export function groceryReducer(draft: Groceries, e: GroceryEvent) {
  const find = (id: string) => {
    const item = draft.items.find((i) => i.id === id)
    if (!item) throw new Error(`No item ${id} on the list`)
    return item
  }
  if (e.type === 'itemAdded') draft.items.push({ ...e.payload, done: false })
  else if (e.type === 'itemToggled') find(e.payload.id).done = !find(e.payload.id).done
  else if (e.type === 'itemRemoved') draft.items = draft.items.filter((i) => i.id !== e.payload.id)
  else if (e.type === 'qtyChanged') find(e.payload.id).qty = e.payload.qty
  else draft.note = e.payload
}

export const groceryCommands = {
  add: (_s: Groceries, p: { text: string; qty?: number }, ctx: { uuid(): string }) => {
    if (!p.text.trim()) throw new Error('An item needs a name')
    return {
      type: 'itemAdded' as const,
      payload: { id: ctx.uuid().slice(0, 6), text: p.text, qty: p.qty ?? 1 },
    }
  },
  toggle: (_s: Groceries, p: { id: string }) => ({ type: 'itemToggled' as const, payload: p }),
  remove: (_s: Groceries, p: { id: string }) => ({ type: 'itemRemoved' as const, payload: p }),
  setQty: (_s: Groceries, p: { id: string; qty: number }) => {
    if (p.qty < 1) throw new RangeError(`Quantity must be at least 1, received ${p.qty}`)
    return { type: 'qtyChanged' as const, payload: p }
  },
  note: (_s: Groceries, p: string) => ({ type: 'noteChanged' as const, payload: p }),
}

const NAMES = [
  'milk',
  'sourdough',
  'eggs',
  'coffee beans',
  'apples',
  'basmati rice',
  'butter',
  'green tea',
  'oranges',
  'penne',
  'tomatoes',
  'olive oil',
]

export const initialGroceries: Groceries = {
  items: [],
  note: '',
  owner: { name: 'Ada', lists: ['home', 'office'] },
}

export function groceryStore() {
  return createStore({
    initialState: initialGroceries,
    reducer: groceryReducer,
    commands: groceryCommands,
  })
}

/** A deterministic history of `n` commands. */
export function groceryHistory(n = 240): Store<Groceries, any, GroceryEvent> {
  const store = groceryStore()
  for (let i = 0; i < n; i++) {
    const items = store.getState().items
    const pick = () => items[(i * 31) % items.length]!.id
    const r = (i * 7919) % 17
    if (r < 6 || items.length < 4)
      store.dispatch({ type: 'add', payload: { text: NAMES[i % NAMES.length]!, qty: 1 + (i % 3) } })
    else if (r < 10) store.dispatch({ type: 'toggle', payload: { id: pick() } })
    else if (r < 12)
      store.dispatch({ type: 'setQty', payload: { id: pick(), qty: r === 11 ? 0 : 2 + (i % 4) } })
    else if (r === 12) store.dispatch({ type: 'add', payload: { text: ' ' } })
    else if (r === 13)
      store.dispatch({ type: 'note', payload: `Shop on ${['Monday', 'Friday', 'Sunday'][i % 3]}` })
    else if (r === 14) store.dispatch({ type: 'toggle', payload: { id: 'gone42' } })
    else store.dispatch({ type: 'remove', payload: { id: items[0]!.id } })
  }
  const replica = replicaOf(store)
  const pending = replica.pending()
  replica.pull([
    {
      id: 'remote-1',
      event: { type: 'noteChanged', payload: 'Bob: get flowers too' },
      at: Date.now(),
      position: 'v1:7',
    },
  ])
  const victim = pending[Math.floor(pending.length * 0.7)]
  if (victim) {
    replica.reject(
      victim.id,
      Object.assign(new Error('The list is full: 50 items at most'), {
        code: 'list_full',
        status: 422,
      }),
    )
  }
  // A hot reload of the reducer that rounds quantities: the report marks where states changed.
  store.hot.replaceReducer((draft, e: GroceryEvent) => {
    groceryReducer(draft, e)
    if (e.type === 'qtyChanged') {
      const item = draft.items.find((x) => x.id === e.payload.id)
      if (item) item.qty = Math.min(item.qty, 4)
    }
  })
  return store
}
