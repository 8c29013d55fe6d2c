import { cached } from 'cacheme'
import { fetchComment } from './db.js'

export const comments = cached('comment:<<comment-id>>', fetchComment)


// error: fixtures/malformed-non-identifier.ts:4:41: cacheme: template 'comment:<<comment-id>>' has placeholder '<<comment-id>>' at offset 8 whose name is not a JavaScript identifier
