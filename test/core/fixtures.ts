import { createStore } from '@strata/state'

export type TodoEvent =
  | { type: 'added'; payload: { id: string; text: string } }
  | { type: 'toggled'; payload: { id: string } }
  | { type: 'removed'; payload: { id: string } }

export interface Todo {
  id: string
  text: string
  done: boolean
}

export const initialTodos = { todos: [] as Todo[] }

export function todoReducer(draft: typeof initialTodos, event: TodoEvent) {
  switch (event.type) {
    case 'added':
      draft.todos.push({ ...event.payload, done: false })
      break
    case 'toggled': {
      const todo = draft.todos.find((t) => t.id === event.payload.id)
      if (!todo) throw new Error(`no todo ${event.payload.id}`)
      todo.done = !todo.done
      break
    }
    case 'removed':
      draft.todos = draft.todos.filter((t) => t.id !== event.payload.id)
      break
  }
}

export const todoCommands = {
  add: (_state: typeof initialTodos, payload: { text: string }, ctx: { uuid(): string }) => {
    if (!payload.text.trim()) throw new Error('A todo needs a text')
    return { type: 'added' as const, payload: { id: ctx.uuid(), text: payload.text } }
  },
  toggle: (state: typeof initialTodos, payload: { id: string }) => {
    if (!state.todos.some((t) => t.id === payload.id)) throw new Error(`No todo ${payload.id}`)
    return { type: 'toggled' as const, payload }
  },
  clearDone: (state: typeof initialTodos) =>
    state.todos
      .filter((t) => t.done)
      .map((t) => ({ type: 'removed' as const, payload: { id: t.id } })),
}

export function todoStore() {
  return createStore({ initialState: initialTodos, reducer: todoReducer, commands: todoCommands })
}

export const counter = (draft: { n: number }, event: { type: 'add'; payload: number }) => {
  draft.n += event.payload
}
