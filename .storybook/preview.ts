import type { Preview } from '@storybook/react-vite'
import { mswLoader } from 'msw-storybook-addon/csf3'

// mswLoader starts msw's worker once, then installs each story's `parameters.msw` handlers.
const preview: Preview = {
  loaders: [mswLoader()],
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true },
  },
}

export default preview
