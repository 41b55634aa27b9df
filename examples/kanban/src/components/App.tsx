import type { ReactNode } from 'react'
import { AuthorBar } from './AuthorBar'
import { BoardStatsPanel } from './BoardStatsPanel'
import { BoardView } from './BoardView'
import { CommandError } from './CommandError'
import { ConflictNotices } from './ConflictNotices'
import { Filters } from './Filters'
import { KeptDrafts } from './KeptDrafts'
import { PastBanner } from './PastBanner'
import { SyncStatus } from './SyncStatus'
import { Timeline } from './Timeline'

/** The page: header, toolbar (filters, history), messages, the board and the server's view. */
export function App({ synced, notice }: { synced: boolean; notice?: ReactNode }) {
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true" />
          <div>
            <h1>Strata board</h1>
            <p className="tagline">Commands, events and states you can rewind, synced to SQLite</p>
          </div>
        </div>
        {synced && <AuthorBar />}
        {synced ? <SyncStatus /> : <span className="sync-status">Local only</span>}
      </header>
      {notice}
      <div className="toolbar">
        <Filters />
        <Timeline />
      </div>
      <PastBanner />
      <CommandError />
      {synced && <ConflictNotices />}
      <KeptDrafts />
      <main className="layout">
        <BoardView />
        {synced && <BoardStatsPanel />}
      </main>
    </div>
  )
}
