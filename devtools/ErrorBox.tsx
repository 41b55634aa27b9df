import type { ErrorInfo } from '@strata/state/inspect'

/** An error with its name, message, structured fields and stack: nothing flattened away. */
export function ErrorBox({
  error,
  title,
  rejected,
}: {
  error: ErrorInfo
  title: string
  rejected?: boolean
}) {
  const data = error.data ? Object.entries(error.data) : []
  return (
    <div className={`sd-error-box${rejected ? ' sd-reject' : ''}`} role="alert">
      <strong>{title}: </strong>
      <span>
        {error.name !== 'Error' && <span className="sd-mono">{error.name}: </span>}
        {error.message}
      </span>
      {data.length > 0 && (
        <dl className="sd-kv" style={{ marginTop: 4 }}>
          {data.map(([k, v]) => (
            <div key={k} style={{ display: 'contents' }}>
              <dt>{k}</dt>
              <dd className="sd-mono">{JSON.stringify(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      {error.cause && (
        <div className="sd-muted">
          caused by {error.cause.name}: {error.cause.message}
        </div>
      )}
      {error.stack && <pre>{error.stack}</pre>}
    </div>
  )
}
