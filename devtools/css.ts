import { inspectorCss } from './inspectorCss'
import { layoutCss } from './layoutCss'
import { themeCss } from './theme'

/** All of the panel's CSS, injected into its shadow root. */
export const devtoolsCss = themeCss + layoutCss + inspectorCss
