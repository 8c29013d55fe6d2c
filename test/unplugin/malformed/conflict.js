import { comments as a } from './conflict-a.js'
import { comments as b } from './conflict-b.js'

export const both = [a, b]
