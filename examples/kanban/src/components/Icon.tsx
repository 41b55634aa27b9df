// A few 16px stroke icons, inline so the example needs no icon package.
const paths = {
  left: 'M10 3 5 8l5 5',
  right: 'm6 3 5 5-5 5',
  up: 'm3 10 5-5 5 5',
  down: 'm3 6 5 5 5-5',
  edit: 'M11.5 2.5l2 2L6 12H4v-2l7.5-7.5Z',
  trash: 'M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.6 8.5h5.8l.6-8.5',
  plus: 'M8 3v10M3 8h10',
  undo: 'M5.5 3 2.5 6l3 3M2.5 6h7a3.5 3.5 0 0 1 0 7H7',
  redo: 'm10.5 3 3 3-3 3M13.5 6h-7a3.5 3.5 0 0 0 0 7H9',
  close: 'm4 4 8 8M12 4l-8 8',
  live: 'M4 3.5v9l8-4.5-8-4.5Z',
} as const

export type IconName = keyof typeof paths

export function Icon({ name }: { name: IconName }) {
  return (
    <svg
      className="icon"
      width="16"
      height="16"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={paths[name]} />
    </svg>
  )
}
