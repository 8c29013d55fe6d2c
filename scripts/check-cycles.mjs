#!/usr/bin/env node
// Usage: node scripts/check-cycles.mjs [SRC_DIR...]   (default: every packages/*/src)
//
// Finds import cycles between the modules of each source folder: every relative import, export
// from, side-effect import and literal dynamic import(), type-only ones included (a cycle of types
// still ties the modules' design together; such edges are marked "(type)"). Prints each
// elementary cycle once, as a chain of files that starts and ends at the same file, and exits 1
// if there is any. Imports of packages (`cacheme`, `node:fs`) are not followed: only a folder's
// own files make its cycles.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseSync } from 'oxc-parser'

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/
const DECLARATION = /\.d\.[cm]?ts$/

/**
 * @typedef {{ to: string, type: boolean }} Edge   an import of `to`; `type`: only types are imported
 * @typedef {{ files: string[], types: boolean[] }} Cycle   files[0] === files.at(-1); types[i]: the edge files[i] → files[i + 1]
 */

/** Every module under `dir` (recursively), as absolute paths, sorted. */
export function sourceFiles(dir) {
  const files = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...sourceFiles(path))
    } else if (SOURCE.test(entry.name) && !DECLARATION.test(entry.name)) {
      files.push(path)
    }
  }
  return files.sort()
}

/** The relative specifiers `file` imports, each with whether only types come through it. */
export function importsOf(file) {
  const code = readFileSync(file, 'utf8')
  const { module, errors } = parseSync(file, code)
  if (errors.length > 0) throw new Error(`check-cycles: cannot parse ${file}: ${errors[0].message}`)
  /** @type {{ specifier: string, type: boolean }[]} */
  const found = []
  for (const entry of module.staticImports) {
    // `import type { A }` and `import { type A }` only; `import './x.js'` has no entries and runs x.
    const type = entry.entries.length > 0 && entry.entries.every((e) => e.isType)
    found.push({ specifier: entry.moduleRequest.value, type })
  }
  for (const entry of module.staticExports) {
    for (const e of entry.entries) if (e.moduleRequest) found.push({ specifier: e.moduleRequest.value, type: e.isType })
  }
  for (const entry of module.dynamicImports) {
    const text = code.slice(entry.moduleRequest.start, entry.moduleRequest.end)
    const literal = /^(['"`])([^'"`$]*)\1$/.exec(text)
    if (literal) found.push({ specifier: literal[2], type: false })
  }
  return found.filter((i) => i.specifier.startsWith('./') || i.specifier.startsWith('../'))
}

/**
 * The file a relative specifier names, the way TypeScript's NodeNext resolution maps an emitted
 * `.js` specifier back to its source: `./a.js` → a.ts / a.tsx / a.js, `./a.mjs` → a.mts / a.mjs,
 * and a folder → its index. Undefined when nothing matches (a missing file is tsc's to report).
 */
export function resolveImport(from, specifier) {
  const base = resolve(dirname(from), specifier)
  const candidates = [base]
  const ext = /\.([cm]?)jsx?$/.exec(base)
  if (ext) {
    const stem = base.slice(0, -ext[0].length)
    candidates.unshift(`${stem}.${ext[1]}ts`, `${stem}.${ext[1]}tsx`)
  } else {
    candidates.push(...['.ts', '.tsx', '.js', '.mts', '.mjs'].map((e) => base + e))
    candidates.push(...['index.ts', 'index.tsx', 'index.js'].map((i) => join(base, i)))
  }
  return candidates.find((c) => existsSync(c) && statSync(c).isFile())
}

/** The import graph of the modules under `dir`: file → its edges to other files under `dir`. */
export function importGraph(dir) {
  const files = sourceFiles(dir)
  const inside = new Set(files)
  /** @type {Map<string, Edge[]>} */
  const graph = new Map()
  for (const file of files) {
    /** @type {Map<string, boolean>} */
    const edges = new Map() // to → type-only (a value import from any statement wins)
    for (const { specifier, type } of importsOf(file)) {
      const to = resolveImport(file, specifier)
      if (to === undefined || !inside.has(to)) continue
      edges.set(to, (edges.get(to) ?? true) && type)
    }
    graph.set(
      file,
      [...edges].map(([to, type]) => ({ to, type })),
    )
  }
  return graph
}

/**
 * Every elementary cycle of `graph`, each once: a cycle is reported from its smallest file
 * (in sorted order), found by a search from that file through larger files only.
 * @param {Map<string, Edge[]>} graph
 * @returns {Cycle[]}
 */
export function findCycles(graph) {
  const order = [...graph.keys()].sort()
  const rank = new Map(order.map((file, i) => [file, i]))
  /** @type {Cycle[]} */
  const cycles = []
  for (const start of order) {
    const files = [start]
    /** @type {boolean[]} */
    const types = []
    const onPath = new Set([start])
    const walk = (file) => {
      for (const { to, type } of graph.get(file) ?? []) {
        if (to === start) {
          cycles.push({ files: [...files, start], types: [...types, type] })
        } else if (rank.get(to) > rank.get(start) && !onPath.has(to)) {
          files.push(to)
          types.push(type)
          onPath.add(to)
          walk(to)
          onPath.delete(to)
          types.pop()
          files.pop()
        }
      }
    }
    walk(start)
  }
  return cycles
}

/** One cycle as text: `a.ts → b.ts → (type) c.ts → a.ts`, paths relative to `root` (the folder checked). */
export function formatCycle(cycle, root) {
  return cycle.files.map((file, i) => `${i > 0 && cycle.types[i - 1] ? '(type) ' : ''}${relative(root, file)}`).join(' → ')
}

/** Checks each folder; prints what it finds; returns the number of cycles. */
export function check(dirs, root, out = console) {
  let total = 0
  for (const dir of dirs) {
    const cycles = findCycles(importGraph(dir))
    total += cycles.length
    if (cycles.length === 0) {
      out.log(`${relative(root, dir) || '.'}: no import cycles`)
      continue
    }
    out.log(`${relative(root, dir) || '.'}: ${cycles.length} import cycle${cycles.length === 1 ? '' : 's'}`)
    for (const cycle of cycles) out.log(`  ${formatCycle(cycle, dir)}`)
  }
  return total
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const args = process.argv.slice(2)
  let dirs
  if (args.length > 0) {
    dirs = args.map((a) => resolve(a))
  } else {
    const packages = join(root, 'packages')
    dirs = readdirSync(packages)
      .map((p) => join(packages, p, 'src'))
      .filter((d) => existsSync(d))
      .sort()
  }
  const missing = dirs.find((d) => !existsSync(d) || !statSync(d).isDirectory())
  if (missing) {
    console.error(`check-cycles: ${missing} is not a folder`)
    process.exit(2)
  }
  process.exit(check(dirs, process.cwd()) > 0 ? 1 : 0)
}
