import { QueryClient } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { Workspace } from './components/Workspace'
import { store } from './store'
import { sync } from './sync'
import './styles/theme.css'
import './styles/chrome.css'
import './styles/board.css'

const queryClient = new QueryClient()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Workspace store={store} sync={sync} queryClient={queryClient} />
  </StrictMode>,
)
