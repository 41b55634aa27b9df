import type { InspectClient, Meta } from '@strata/state/inspect'
import { formatCount } from './format'
import { useArrivedWhileAway } from './hooks/useArrived'
import { useRequest } from './hooks/useClient'
import { SPEEDS, type usePlayback } from './hooks/usePlayback'
import { useScrub } from './hooks/useScrub'
import { useThrottled } from './hooks/useThrottled'
import { Icon } from './Icon'
import { SliderMarks } from './SliderMarks'

interface Props {
  client: InspectClient
  meta: Meta
  playback: ReturnType<typeof usePlayback>
}

/** The slider over the event log, with step, play and back-to-live controls. */
export function Scrubber({ client, meta, playback }: Props) {
  const { shown, scrub } = useScrub(client)
  // Marks scan the whole log: once a second at most while the app dispatches.
  const markRevision = useThrottled(meta.logRevision, 1000)
  const marks = useRequest(client, { type: 'marks' }, `marks:${markRevision}`).data
  const value = shown ?? meta.cursor
  const arrived = useArrivedWhileAway(meta)
  const go = (index: number) => {
    playback.stop()
    scrub(Math.max(0, Math.min(meta.length, index)))
  }
  return (
    <div className="sd-scrubber">
      <button
        type="button"
        className="sd-btn sd-icon-btn"
        title="First state (Home)"
        aria-label="First state"
        onClick={() => go(0)}
        disabled={value === 0}
      >
        <Icon name="first" />
      </button>
      <button
        type="button"
        className="sd-btn sd-icon-btn"
        title="Step back ([)"
        aria-label="Step back"
        onClick={() => go(value - 1)}
        disabled={value === 0}
      >
        <Icon name="back" />
      </button>
      <button
        type="button"
        className="sd-btn sd-icon-btn"
        title="Play / pause (P)"
        aria-label={playback.playing ? 'Pause' : 'Play'}
        aria-pressed={playback.playing}
        onClick={playback.toggle}
        disabled={meta.length === 0}
      >
        <Icon name={playback.playing ? 'pause' : 'play'} />
      </button>
      <button
        type="button"
        className="sd-btn sd-icon-btn"
        title="Step forward (])"
        aria-label="Step forward"
        onClick={() => go(value + 1)}
        disabled={value >= meta.length}
      >
        <Icon name="forward" />
      </button>
      <select
        className="sd-input"
        aria-label="Playback speed"
        title="States per second while playing"
        value={playback.speed}
        onChange={(e) => playback.setSpeed(Number(e.target.value))}
      >
        {SPEEDS.map((s) => (
          <option key={s} value={s}>
            {s}/s
          </option>
        ))}
      </select>
      <div className="sd-slider-wrap">
        <input
          type="range"
          className="sd-slider"
          min={0}
          max={meta.length}
          step={1}
          value={value}
          aria-label="History position"
          aria-valuetext={`State ${value} of ${meta.length}${value === meta.length ? ' (live)' : ''}${meta.start > 0 ? `, states before ${meta.start} not loaded` : ''}`}
          onChange={(e) => go(Number(e.target.value))}
        />
        {meta.start > 0 && (
          <div
            className="sd-slider-earlier"
            style={{ width: `calc((100% - 14px) * ${meta.start / Math.max(1, meta.length)})` }}
            title={`Events 0 to ${meta.start - 1} are not in memory: drag there to load them`}
            aria-hidden="true"
          />
        )}
        <SliderMarks length={meta.length} marks={marks} hot={meta.hot} />
      </div>
      <span className="sd-position" aria-live="polite">
        {formatCount(value)} / {formatCount(meta.length)}
      </span>
      {meta.isLive ? (
        <span className="sd-badge sd-live" title="The app shows the newest state">
          live
        </span>
      ) : (
        <button
          type="button"
          className="sd-btn sd-primary"
          title={
            arrived > 0
              ? `${arrived} new ${arrived === 1 ? 'event' : 'events'} while you look back: back to live (L)`
              : 'Back to live (L)'
          }
          onClick={() => {
            playback.stop()
            client.request({ type: 'toLive' })
          }}
        >
          <Icon name="live" /> {arrived > 0 ? `${formatCount(arrived)} new, go live` : 'Live'}
        </button>
      )}
    </div>
  )
}
