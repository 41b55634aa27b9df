// The demo's replay config, for CI:
//   npx strata replay test/sessions/kanban-browser.session.json --config examples/kanban/replay.config.ts
// Today's reducer and command handlers; `mode: 'commands'` also re-runs each recorded command.
import type { ReplayConfig } from '@strata/state/testing'
import { type Board, boardCommands, boardReducer } from './src/board'

const config: ReplayConfig<Board> = {
  reducer: boardReducer,
  commands: boardCommands,
  mode: 'commands',
}
export default config
