import type { TabMessage } from './context'

export interface TabChannel {
  post(message: TabMessage): void
  close(): void
}

/**
 * Messages between the tabs of one outbox: "claimed" wakes the sender, "results" tells each tab
 * what happened to its events. Optional: without BroadcastChannel the sender polls the outbox
 * and tabs read their rejections from storage, only later.
 */
export function tabChannel(name: string, receive: (message: TabMessage) => void): TabChannel {
  const Channel = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel
  if (!Channel) return { post() {}, close() {} }
  const channel = new Channel(name)
  channel.onmessage = (event: MessageEvent) => {
    const message = event.data as TabMessage
    if (message && typeof message === 'object' && 'kind' in message) receive(message)
  }
  return {
    post(message) {
      try {
        channel.postMessage(message)
      } catch {
        // Closed, or a value that does not clone; storage still carries the outcome.
      }
    },
    close() {
      channel.close()
    },
  }
}
