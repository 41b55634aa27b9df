import { createEventServer, memoryStorage, type Storage } from '@strata/state/server'
import { afterEach, describe, expect, it } from 'vitest'
import { batch, events, get, postOk } from './helpers'

/** A promise with its resolve outside, to hold a write back until the test lets it go. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { open, opened }
}

const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closing.splice(0)) await close()
})

describe('server snapshot saves racing a catch-up', () => {
  it('saves the events folded while the last save was being written (it stopped one short)', async () => {
    const storage = memoryStorage()
    const firstSave = gate()
    const release = gate()
    const readSecond = gate()
    let saves = 0
    const wrapped: Storage = {
      ...storage,
      kind: storage.kind,
      saveCheckpoint: async (...args) => {
        if (saves++ === 0) {
          firstSave.open()
          await release.opened
        }
        return storage.saveCheckpoint(...args)
      },
      read: async (request) => {
        const result = await storage.read(request)
        if (result.events.some((e) => e.tenantPosition === 2)) readSecond.open()
        return result
      },
    }
    const server = createEventServer({
      storage: wrapped,
      onError: () => {},
      snapshots: [
        {
          name: 'count',
          initialState: { n: 0 },
          reducer: (draft: { n: number }) => {
            draft.n++
          },
          version: 1,
        },
      ],
    })
    closing.push(async () => {
      await server.close()
      await storage.close()
    })

    await postOk(server, batch('c1', events('c1', 1, 1)))
    // The save of event 1 (after the runner's pause) is held while event 2 is folded.
    await firstSave.opened
    await postOk(server, batch('c1', events('c1', 2, 1)))
    await readSecond.opened
    await new Promise((resolve) => setImmediate(resolve))
    release.open()

    const position = async () => (await get(server, '/snapshots/count')).body?.position
    await expect.poll(position, { timeout: 15_000 }).toBe('v1:2')
    // The session serializer's encoding of a plain state.
    expect((await get(server, '/snapshots/count')).body.state).toEqual({ json: { n: 2 } })
  }, 30_000)
})
