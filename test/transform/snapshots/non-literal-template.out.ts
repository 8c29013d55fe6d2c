import { cached } from 'cacheme'
import { fetchComment } from './db.js'

const kind = 'comment'

export const comments = cached(`${kind}:<<id>>`, fetchComment, '5m')


// warning: fixtures/non-literal-template.ts:6:32: cacheme: the template of this cached() call is not a literal, so it is left to the runtime (no build-time checks or precomputed store); write it as a string literal like 'comment:<<id>>'
