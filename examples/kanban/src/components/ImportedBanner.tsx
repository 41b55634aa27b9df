/** Says the board is an imported session's local copy, and how to get back to the live one. */
export function ImportedBanner({ what, onLeave }: { what: string; onLeave(): void }) {
  return (
    <div className="banner imported" role="status" aria-label="Imported session">
      <span>
        <strong>Imported session</strong> ({what}): a local copy, not synced. Changes here stay in
        this window and are lost when you leave it.
      </span>
      <button type="button" className="button" onClick={onLeave}>
        Back to the live board
      </button>
    </div>
  )
}
