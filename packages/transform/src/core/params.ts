import { closest, type ParsedTemplate } from 'cacheme/template'
import type { Problem } from './diagnostic.js'
import type { ParamsArg } from './site.js'

/**
 * Checks an object-literal params argument of an inline store against its template: each
 * property must be a placeholder, and (when the literal has nothing but plain properties) each
 * placeholder must be given. The types can't say this in the explicit-value form
 * (`cached<Post[]>(...)`, where params are a `Record`), and the runtime would only throw on a
 * missing one, when the call runs.
 */
export function checkParams(parsed: ParsedTemplate, arg: ParamsArg): Problem[] {
  const problems: Problem[] = []
  const placeholders = parsed.params
  const given = new Set(arg.keys.map((k) => k.key))
  const missing = placeholders.filter((p) => !given.has(p))
  const suggested = new Set<string>()
  for (const { key, start, end } of arg.keys) {
    if (placeholders.includes(key)) continue
    const near = arg.complete
      ? closest(key, missing)
      : closest(
          key,
          placeholders.filter((p) => !given.has(p)),
        )
    if (near !== undefined) suggested.add(near)
    const hint =
      near !== undefined
        ? `did you mean '${near}'?`
        : placeholders.length === 0
          ? 'the template has no placeholders'
          : `its placeholders are ${placeholders.map((p) => `'${p}'`).join(', ')}`
    problems.push({ message: `cacheme: '${key}' is not a placeholder of '${parsed.text}'; ${hint}`, start, end })
  }
  if (arg.complete) {
    for (const name of missing) {
      if (suggested.has(name)) continue
      problems.push({
        message: `cacheme: params of '${parsed.text}' lack '${name}'; got ${arg.keys.length === 0 ? 'none' : arg.keys.map((k) => `'${k.key}'`).join(', ')}`,
        start: arg.start,
        end: arg.end,
      })
    }
  }
  return problems
}
