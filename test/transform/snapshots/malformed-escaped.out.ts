import { cached } from 'cacheme'
import { fetchComment } from './db.js'

export const comments = cached('caf\u00e9\x3a<<id-x>>', fetchComment)


// error: fixtures/malformed-escaped.ts:4:46: cacheme: template 'café:<<id-x>>' has placeholder '<<id-x>>' at offset 5 whose name is not a JavaScript identifier
