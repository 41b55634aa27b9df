import { createStore } from '@strata/state'

export interface Todo {
  id: string
  text: string
  done: boolean
}
export interface TodoState {
  todos: Todo[]
  filter: 'all' | 'open'
}

export type TodoEvent =
  | { type: 'added'; payload: { id: string; text: string } }
  | { type: 'toggled'; payload: { id: string } }
  | { type: 'filtered'; payload: 'all' | 'open' }

export function todoReducer(draft: TodoState, event: TodoEvent) {
  if (event.type === 'added') draft.todos.push({ ...event.payload, done: false })
  else if (event.type === 'toggled') {
    const todo = draft.todos.find((t) => t.id === event.payload.id)
    if (!todo) throw new Error(`No todo ${event.payload.id}`)
    todo.done = !todo.done
  } else draft.filter = event.payload
}

export const todoCommands = {
  add: (_s: TodoState, payload: { text: string }, ctx: { uuid(): string }) => {
    if (!payload.text.trim()) throw new Error('A todo needs a text')
    return { type: 'added' as const, payload: { id: ctx.uuid().slice(0, 8), text: payload.text } }
  },
  toggle: (_s: TodoState, payload: { id: string }) => ({ type: 'toggled' as const, payload }),
  filter: (_s: TodoState, payload: 'all' | 'open') => ({ type: 'filtered' as const, payload }),
}

export const initialTodos: TodoState = { todos: [], filter: 'all' }

/** A plain-events store: dispatch `added`/`toggled` events directly. */
export function eventStore() {
  return createStore({ initialState: initialTodos, reducer: todoReducer })
}

export function commandStore() {
  return createStore({ initialState: initialTodos, reducer: todoReducer, commands: todoCommands })
}

/** add a, add b, toggle a, filter open: four events, a command that fails, a reducer error. */
export function history() {
  const store = eventStore()
  store.dispatch({ type: 'added', payload: { id: 'a', text: 'milk' } })
  store.dispatch({ type: 'added', payload: { id: 'b', text: 'bread' } })
  store.dispatch({ type: 'toggled', payload: { id: 'a' } })
  store.dispatch({ type: 'toggled', payload: { id: 'zzz' } })
  store.dispatch({ type: 'filtered', payload: 'open' })
  return store
}

/** A long history without immer, cheap to build: `count` counter events. */
export function counterStore(count: number) {
  const store = createStore({
    initialState: { n: 0, log: [] as number[] },
    reducer: (s: { n: number; log: number[] }, e: { type: 'inc' | 'dec'; payload: number }) => ({
      ...s,
      n: s.n + (e.type === 'inc' ? e.payload : -e.payload),
    }),
    immer: false,
  })
  for (let i = 0; i < count; i++)
    store.dispatch({ type: i % 7 === 3 ? 'dec' : 'inc', payload: 1 + (i % 5) })
  return store
}

export const tick = () => new Promise((r) => setTimeout(r, 0))
