/**
 * Short, stable identifiers for emitted code that can't clash with anything in the module:
 * `__cacheme_comment_id` for `comment:<<id>>`, with `_2`, `_3` when the text already has one.
 */
export class NameAllocator {
  private readonly taken = new Set<string>()
  /** Most modules have no `__cacheme` in their text: then no name needs a search of it. */
  private readonly mentions: boolean
  constructor(private readonly code: string) {
    this.mentions = code.includes(PREFIX)
  }

  allocate(base: string): string {
    let name = base
    const inCode = (n: string) => (this.mentions || !n.startsWith(PREFIX)) && this.code.includes(n)
    for (let n = 2; this.taken.has(name) || inCode(name); n++) name = `${base}_${n}`
    this.taken.add(name)
    return name
  }
}

const PREFIX = '__cacheme'

const MAX_SLUG = 40

export function storeBaseName(template: string): string {
  const slug = template
    .replace(/[^A-Za-z0-9_$]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/_+$/, '')
  return `__cacheme_${slug || 'store'}`
}
