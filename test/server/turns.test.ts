import { describe, expect, it } from 'vitest'
import { turns } from '../../src/server/storage/turns'

describe('turns', () => {
  it('runs one job per event-loop turn, in order, so I/O gets in between', async () => {
    const turn = turns()
    const log: string[] = []
    const jobs = [1, 2, 3].map((n) => turn(() => log.push(`job ${n}`)))
    // Stands for a POST's I/O arriving while the jobs wait: it runs before the second job.
    setImmediate(() => log.push('io'))
    await Promise.all(jobs)
    expect(log).toEqual(['job 1', 'io', 'job 2', 'job 3'])
  })

  it('hands a job’s result or error to its caller alone', async () => {
    const turn = turns()
    const failing = turn(() => {
      throw new Error('boom')
    })
    const next = turn(() => 42)
    await expect(failing).rejects.toThrow('boom')
    expect(await next).toBe(42)
  })
})
