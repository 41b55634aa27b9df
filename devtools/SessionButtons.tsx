import { useRef } from 'react'
import { usePanel } from './context'
import { Icon } from './Icon'

/** Export the session to a file, and import one (versioned "strata.session" JSON). */
export function SessionButtons({ canImport }: { canImport: boolean }) {
  const { client, notify } = usePanel()
  const input = useRef<HTMLInputElement>(null)
  const exportFile = async () => {
    try {
      const { fileName, text } = await client.request({ type: 'export' })
      const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }))
      const a = document.createElement('a')
      a.href = url
      a.download = fileName
      a.click()
      setTimeout(() => URL.revokeObjectURL(url), 1000)
      notify(`Exported ${fileName}`)
    } catch (error) {
      notify((error as Error).message, 'error')
    }
  }
  const importFile = async (file: File | undefined) => {
    if (!file) return
    try {
      const { imported } = await client.request({ type: 'import', text: await file.text() })
      notify(`Imported ${file.name}: ${imported} events`)
    } catch (error) {
      notify((error as Error).message, 'error')
    } finally {
      if (input.current) input.current.value = ''
    }
  }
  return (
    <>
      <button
        type="button"
        className="sd-btn"
        onClick={exportFile}
        title="Save the session as a .session.json file"
      >
        <Icon name="download" /> Export
      </button>
      <button
        type="button"
        className="sd-btn"
        onClick={() => input.current?.click()}
        title={
          canImport
            ? 'Load a .session.json file into the store'
            : 'A synced store is not replaced: importing needs the `load` prop (see the docs)'
        }
      >
        <Icon name="upload" /> Import
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="Session file to import"
        onChange={(e) => importFile(e.target.files?.[0])}
      />
    </>
  )
}
