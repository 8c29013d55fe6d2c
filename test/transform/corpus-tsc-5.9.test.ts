/**
 * The differential corpus (differential/corpus.ts: modules shaped like real code) through the
 * tsc-5.9 front end, a quarter of them (every 4th, from the first), against the untransformed modules on the memory backend.
 * TypeScript's emit is the slow part (several ms a module, against 1-2 ms for oxc and esbuild),
 * so each TypeScript takes a quarter: every module goes through oxc, half of them through a tsc
 * as well.
 */
import { corpusTest } from './differential/compare.js'

corpusTest('tsc-5.9', (i) => i % 4 === 0)
