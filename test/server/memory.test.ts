import { memoryStorage } from '@strata/state/server'
import { describe } from 'vitest'
import { describeStorage } from './suite'

describe('memoryStorage', () => {
  describeStorage({ make: async () => memoryStorage() })
})
