export {
  type ActionName,
  type SetEvent,
  type StrataOf,
  type TimeTravelOptions,
  timeTravel,
} from './timeTravel'
