import { parseTemplate, TemplateError } from 'cacheme/template'
import { sourceOffsetOf } from './literal-offset.js'
import type { Problem } from './diagnostic.js'
import { closest } from 'cacheme/template'
import type { Value } from './site.js'

/**
 * Checks the static tags of a store (`tags: ['author:<<authorID>>']`): each is a template whose
 * placeholders must be the store's own, since they are filled from the store's params. A
 * problem is reported at the placeholder in the source.
 */
export function checkTags<N>(
  tags: Extract<Value<N>, { kind: 'array' }>,
  template: string,
  placeholders: readonly string[],
  code: string,
  problems: Problem[],
): void {
  for (const tag of tags.elements) {
    if (tag.kind !== 'literal' || typeof tag.value !== 'string') continue
    const text = tag.value
    // The literal's text without its quotes, and where that starts (escapes change offsets).
    const raw = code.slice(tag.start + 1, tag.end - 1)
    const at = (index: number) => sourceOffsetOf(raw, tag.start + 1, index)
    try {
      const parsed = parseTemplate(text)
      let from = 0
      for (const name of parsed.params) {
        const index = text.indexOf(`<<${name}>>`, from)
        from = index + 1
        if (placeholders.includes(name)) continue
        const near = closest(name, placeholders)
        const hint =
          near !== undefined
            ? `did you mean '<<${near}>>'?`
            : placeholders.length === 0
              ? 'the template has no placeholders'
              : `its placeholders are ${placeholders.map((p) => `'<<${p}>>'`).join(', ')}`
        problems.push({
          message: `cacheme: tag '${text}' of '${template}' has placeholder '<<${name}>>', which is not one of the template's; ${hint}`,
          start: at(index),
          end: at(index + name.length + 4),
        })
      }
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error
      problems.push({
        message: `cacheme: in a tag of '${template}': ${error.message.replace(/^cacheme: /, '')}`,
        start: at(error.offset),
        end: Math.max(at(error.offset + error.length), at(error.offset) + 1),
      })
    }
  }
}
