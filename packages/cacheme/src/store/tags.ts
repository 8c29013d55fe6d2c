import type { IndexName } from '../backends/backend.js'
import { describeValue } from '../describe.js'
import { closest } from '../did-you-mean.js'
import { renderKeyPart } from '../template/encode-param.js'
import { parseTemplate } from '../template/parse-template.js'

/** Store option `tags`: static tags (which may hold the store's `<<placeholders>>`), or a function of params and value. */
export type TagsOption<P = never, T = unknown> = readonly string[] | ((params: P, value: T) => readonly string[])

/** The sets a key is listed in beside its store index, before its value exists (a lock marker) and once it does. */
export interface KeyTags {
  /** Listed with the lock marker: the static tags' sets, or the client's pending set when tags come with the value. */
  readonly marker: readonly IndexName[]
  /** Listed with the value; `pending` is the set the marker was listed in until then. */
  value(value: unknown): { tags: readonly IndexName[]; pending?: IndexName }
}

/**
 * A store's tags, checked when the store is built: for each param tuple, the tag set names
 * (`${prefix}:~tag:` + tag; on a cluster, one set per slot). A static tag's placeholders are
 * filled like a key's (template/encode-param.ts), so two different param values never give
 * one tag.
 */
export class StoreTags {
  readonly #static: readonly { literals: readonly string[]; params: readonly string[]; text: string }[] | undefined
  readonly #of: ((params: never, value: unknown) => readonly string[]) | undefined
  readonly #name: string

  constructor(option: unknown, name: string, template: string, placeholders: readonly string[]) {
    this.#name = name
    if (typeof option === 'function') {
      this.#of = option as (params: never, value: unknown) => readonly string[]
      return
    }
    this.#static = checkTagList(option, `tags of '${name}'`, 'an array of tags or a function (params, value) => tags').map((text) => {
      const { literals, params } = parseTemplate(text)
      for (const param of params) {
        if (placeholders.includes(param)) continue
        const near = closest(param, placeholders)
        const hint =
          near !== undefined
            ? `did you mean '<<${near}>>'?`
            : placeholders.length === 0
              ? 'the template has no placeholders'
              : `its placeholders are ${placeholders.map((p) => `'<<${p}>>'`).join(', ')}`
        throw new TypeError(
          `cacheme: tag '${text}' of '${template}' has placeholder '<<${param}>>', which is not one of the template's; ${hint}`,
        )
      }
      return { literals, params, text }
    })
  }

  /** The sets of one key's tags; `params` are the key's (already checked by building its key). */
  of(prefix: string, params: object): KeyTags {
    const head = tagHead(prefix)
    if (this.#static) {
      const tags = this.#static.map(({ literals, params: names, text }): IndexName => ({
        head,
        tail: names.length === 0 ? text : renderKeyPart(literals, names, params as Record<string, unknown>, text),
      }))
      return { marker: tags, value: () => ({ tags }) }
    }
    const pending = pendingFills(prefix)
    return {
      marker: [pending],
      value: (value) => ({ tags: this.valueTags(prefix, params, value), pending }),
    }
  }

  /** The sets of the tags a `tags` function gives for a value (for a set(), which has no marker). */
  valueTags(prefix: string, params: object, value: unknown): IndexName[] {
    if (!this.#of) return this.of(prefix, params).value(value).tags.slice()
    const head = tagHead(prefix)
    const tags = checkTagList(
      this.#of(params as never, value),
      `the tags function of '${this.#name}'`,
      'an array of non-empty strings',
      'return',
    )
    return tags.map((tail) => ({ head, tail }))
  }
}

/** The set of one tag, as a client names it: `${prefix}:~tag:` + tag (a cluster adds a slot's hash tag between). */
export function tagSet(prefix: string, tag: string): IndexName {
  return { head: tagHead(prefix), tail: tag }
}

/**
 * The client's set of lock markers whose tags come with the value (stores with a `tags`
 * function): an invalidateTags can't know whether such a fill will carry its tag, so it fences
 * every one (deletes the marker; the fill's value is returned to its callers, not stored).
 */
export function pendingFills(prefix: string): IndexName {
  return { head: `${prefix}:~tag-fills:`, tail: '' }
}

function tagHead(prefix: string): string {
  return `${prefix}:~tag:`
}

/** An array of non-empty strings, or a TypeError naming what is wrong with it. */
export function checkTagList(value: unknown, what: string, expected: string, verb: 'be' | 'return' = 'be'): readonly string[] {
  if (!Array.isArray(value)) throw new TypeError(`cacheme: ${what} must ${verb} ${expected}, got ${describeValue(value)}`)
  for (let i = 0; i < value.length; i++) {
    const tag: unknown = value[i]
    if (typeof tag !== 'string' || tag.length === 0) {
      throw new TypeError(`cacheme: ${what} must ${verb} ${expected}; tag ${i} is ${describeValue(tag)}`)
    }
  }
  return value as readonly string[]
}
