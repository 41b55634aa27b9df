import { QueryClient } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { Devtools } from './components/Devtools'
import { Root } from './components/Root'
import { store } from './store'
import { sync } from './sync'
import './styles/theme.css'
import './styles/chrome.css'
import './styles/board.css'

const queryClient = new QueryClient()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root store={store} sync={sync} queryClient={queryClient}>
      <Devtools store={store} sync={sync} />
    </Root>
  </StrictMode>,
)
