import type { ConsoleLine, KeyState, LogLine } from './api-types.js'

/** Messages from the sandbox worker to the server. */
export type SandboxMessage =
  | { type: 'log'; line: LogLine }
  | { type: 'console'; line: ConsoleLine }
  | { type: 'done'; keys: KeyState[] }
  | { type: 'failed'; error: string; keys: KeyState[] }

export interface SandboxInput {
  /** The compiled example (ESM). */
  js: string
  /** URL of the cacheme runtime the example imports: the worker configures that very module. */
  cachemeUrl: string
}
