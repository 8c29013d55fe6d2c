/**
 * The one template parser. The runtime uses it when `cached()` runs untransformed and the
 * compiler uses it at build time, so the two can never disagree about what a template means.
 */
import { describeValue } from '../describe.js'
import { TemplateError } from '../errors.js'

/** A `<<name>>` placeholder: its name and where it sits in the template text. */
export interface Placeholder {
  name: string
  /** Offset of the leading `<<` in the template text. */
  start: number
  /** Offset just past the closing `>>`. */
  end: number
}

export interface ParsedTemplate {
  text: string
  /** Literal text between placeholders; always `placeholders.length + 1` entries. */
  literals: string[]
  placeholders: Placeholder[]
  /** Placeholder names in order of appearance. */
  params: string[]
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

export function parseTemplate(text: unknown): ParsedTemplate {
  if (typeof text !== 'string') {
    throw new TypeError(`cacheme: a template must be a string like 'comment:<<id>>', got ${describeValue(text)}`)
  }
  if (text.length === 0) {
    throw new TemplateError(`cacheme: the template is empty; expected text like 'comment:<<id>>'`, text, 0, 0)
  }
  const literals: string[] = []
  const placeholders: Placeholder[] = []
  const seen = new Map<string, Placeholder>()
  let cursor = 0
  let literalStart = 0
  while (cursor < text.length) {
    const open = text.indexOf('<<', cursor)
    const strayClose = text.indexOf('>>', cursor)
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      throw new TemplateError(`cacheme: template '${text}' has '>>' at offset ${strayClose} without a matching '<<'`, text, strayClose, 2)
    }
    if (open === -1) break
    const close = text.indexOf('>>', open + 2)
    if (close === -1) {
      throw new TemplateError(
        `cacheme: template '${text}' has an unclosed '<<' at offset ${open}; expected '<<name>>'`,
        text,
        open,
        text.length - open,
      )
    }
    const name = text.slice(open + 2, close)
    const nested = name.indexOf('<<')
    if (nested !== -1) {
      throw new TemplateError(
        `cacheme: template '${text}' has an unclosed '<<' at offset ${open}; expected '<<name>>'`,
        text,
        open,
        nested + 2,
      )
    }
    if (name.length === 0) {
      throw new TemplateError(
        `cacheme: template '${text}' has an empty placeholder '<<>>' at offset ${open}; expected '<<name>>'`,
        text,
        open,
        4,
      )
    }
    if (!IDENTIFIER.test(name)) {
      throw new TemplateError(
        `cacheme: template '${text}' has placeholder '<<${name}>>' at offset ${open} whose name is not a JavaScript identifier`,
        text,
        open,
        close + 2 - open,
      )
    }
    const placeholder: Placeholder = { name, start: open, end: close + 2 }
    const earlier = seen.get(name)
    if (earlier) {
      throw new TemplateError(
        `cacheme: template '${text}' repeats placeholder '<<${name}>>' (offsets ${earlier.start} and ${open}); each name may appear once`,
        text,
        open,
        close + 2 - open,
      )
    }
    seen.set(name, placeholder)
    literals.push(text.slice(literalStart, open))
    placeholders.push(placeholder)
    cursor = close + 2
    literalStart = cursor
  }
  literals.push(text.slice(literalStart))
  return { text, literals, placeholders, params: placeholders.map((p) => p.name) }
}
