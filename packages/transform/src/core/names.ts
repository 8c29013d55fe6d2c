/**
 * Short, stable identifiers for emitted code that can't clash with anything in the module:
 * `__cacheme_comment_id` for `comment:<<id>>`, with `_2`, `_3` when the text already has one.
 */
export class NameAllocator {
  private readonly taken = new Set<string>()
  constructor(private readonly code: string) {}

  allocate(base: string): string {
    let name = base
    for (let n = 2; this.taken.has(name) || this.code.includes(name); n++) name = `${base}_${n}`
    this.taken.add(name)
    return name
  }
}

const MAX_SLUG = 40

export function storeBaseName(template: string): string {
  const slug = template.replace(/[^A-Za-z0-9_$]+/g, '_').replace(/^_+|_+$/g, '').slice(0, MAX_SLUG).replace(/_+$/, '')
  return `__cacheme_${slug || 'store'}`
}
