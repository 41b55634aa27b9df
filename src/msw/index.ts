export {
  createMockServer,
  type MockServer,
  type MockServerOptions,
  type MockSwitches,
} from './mock'
