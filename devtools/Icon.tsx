/** Small inline SVG icons: no icon font or emoji, so they look the same on every system. */
const PATHS = {
  first: 'M3 3h2v10H3zM13 3 6 8l7 5z',
  back: 'M12 3 5 8l7 5z',
  play: 'M5 3l8 5-8 5z',
  pause: 'M5 3h2v10H5zM10 3h2v10h-2z',
  forward: 'M4 3l7 5-7 5z',
  live: 'M3 3l7 5-7 5zM11 3h2v10h-2z',
  chevron: 'M6 4l4 4-4 4',
  close: 'M4 4l8 8M12 4l-8 8',
  dockBottom: 'M2 3h12v10H2zM2 9h12',
  dockRight: 'M2 3h12v10H2zM9 3v10',
  sun: 'M8 5a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM8 1v2M8 13v2M1 8h2M13 8h2M3 3l1.4 1.4M11.6 11.6 13 13M3 13l1.4-1.4M11.6 4.4 13 3',
  download: 'M8 2v8M4.5 6.5 8 10l3.5-3.5M3 13h10',
  upload: 'M8 11V3M4.5 6.5 8 3l3.5 3.5M3 13h10',
  lock: 'M3.5 7.5h9v6h-9zM5.5 7.5V5a2.5 2.5 0 0 1 5 0v2.5',
} as const

export type IconName = keyof typeof PATHS
const FILLED = new Set<IconName>(['first', 'back', 'play', 'pause', 'forward', 'live'])

export function Icon({ name, size = 14 }: { name: IconName; size?: number }) {
  const filled = FILLED.has(name)
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      aria-hidden="true"
      fill={filled ? 'currentColor' : 'none'}
      stroke="currentColor"
      strokeWidth={filled ? 0.5 : 1.6}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={PATHS[name]} />
    </svg>
  )
}

export function Logo() {
  return (
    <svg className="sd-logo" viewBox="0 0 16 16" aria-hidden="true">
      <rect x="1" y="2" width="14" height="3" rx="1.2" fill="#4263eb" />
      <rect x="3" y="6.5" width="12" height="3" rx="1.2" fill="#7a95ff" />
      <rect x="5" y="11" width="10" height="3" rx="1.2" fill="#b3c3ff" />
    </svg>
  )
}
