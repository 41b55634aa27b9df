import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react'
import { type BoardCommand, useDispatch, useStore } from './hooks'
import { rejectionMessage } from './rejection'

interface Feedback {
  message: string | undefined
  dismiss(): void
  /** Dispatches a command; a rejection's message is shown to the user. True when accepted. */
  run(command: BoardCommand): boolean
  /** Shows a dispatch's rejection (undo and redo dispatch themselves), or clears the message. */
  show(result: { error: unknown } | undefined): boolean
}

const FeedbackContext = createContext<Feedback | null>(null)

/** Keeps the last rejected command's message, for <CommandError>. */
export function FeedbackProvider({ children }: { children: ReactNode }) {
  const dispatch = useDispatch()
  const store = useStore()
  const [message, setMessage] = useState<string>()
  const dismiss = useCallback(() => setMessage(undefined), [])
  const show = useCallback(
    (result: { error: unknown } | undefined) => {
      const error = result?.error
      setMessage(error === undefined ? undefined : rejectionMessage(error, store.history.locked))
      return error === undefined
    },
    [store],
  )
  const run = useCallback((command: BoardCommand) => show(dispatch(command)), [dispatch, show])
  const value = useMemo(() => ({ message, dismiss, run, show }), [message, dismiss, run, show])
  return <FeedbackContext.Provider value={value}>{children}</FeedbackContext.Provider>
}

export function useFeedback(): Feedback {
  const feedback = useContext(FeedbackContext)
  if (!feedback) throw new Error('useFeedback() needs a <FeedbackProvider> above it.')
  return feedback
}

/** `run` from the nearest provider: dispatch with the rejection shown to the user. */
export const useRun = () => useFeedback().run
