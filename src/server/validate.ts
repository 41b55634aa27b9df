import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { WireErrorBody, WireEvent } from '../protocol'
import { refusal } from './plan'
import type { EventValidator } from './types'

function isSchema(value: unknown): value is StandardSchemaV1 {
  return typeof value === 'object' && value !== null && '~standard' in value
}

function pathOf(issue: StandardSchemaV1.Issue): (string | number)[] {
  return (issue.path ?? []).map((segment) => {
    const key = typeof segment === 'object' ? segment.key : segment
    return typeof key === 'number' ? key : String(key)
  })
}

/**
 * Whether an issue at `path` (relative to the event) may be about a personal field: the whole
 * event or payload, or one of `personal` (the declared fields of its type).
 */
function aboutPersonal(path: readonly (string | number)[], personal: readonly string[]) {
  if (path.length === 0) return true
  if (path[0] !== 'payload') return false
  return path.length === 1 || personal.includes(String(path[1]))
}

/**
 * Checks an event with the app's Standard Schema (zod, valibot, arktype...). One schema sees
 * `{ stream, type, payload }`; a map by event type sees the payload of that type, and types
 * missing from the map pass. Returns the refusal (`invalid`, path relative to the event) or
 * undefined. The stored payload is always the one sent: a schema's transforms are not applied.
 * A message about a `personal` field is withheld (validators quote the value they refused, as
 * arktype and valibot do): the refusal is stored, unsealed, to answer retries, and would keep
 * the plaintext after its subject is forgotten.
 */
export async function validateEvent(
  validator: EventValidator | undefined,
  event: WireEvent,
  personal: readonly string[] = [],
): Promise<WireErrorBody | undefined> {
  if (!validator) return undefined
  let schema: StandardSchemaV1 | undefined
  let value: unknown
  let base: (string | number)[]
  if (isSchema(validator)) {
    schema = validator
    value = { stream: event.stream, type: event.type, payload: event.payload ?? null }
    base = []
  } else {
    schema = Object.hasOwn(validator, event.type) ? validator[event.type] : undefined
    value = event.payload ?? null
    base = ['payload']
  }
  if (!schema) return undefined
  const result = await schema['~standard'].validate(value)
  if (!result.issues) return undefined
  const issues = result.issues.map((issue) => {
    const path = [...base, ...pathOf(issue)]
    const message =
      personal.length && aboutPersonal(path, personal)
        ? `invalid at ${path.join('.') || 'the event'} (the validator's message is withheld: it may quote personal data)`
        : issue.message
    return { message, path }
  })
  const first = issues[0]!
  return refusal(
    'invalid',
    `Event ${JSON.stringify(event.type)} is invalid: ${first.message}`,
    first.path,
    {
      issues,
    },
  )
}
