import { cached } from 'cacheme'
import { fetchComment } from './db.js'

export const comments = cached('comment:<<>>', fetchComment)


// error: fixtures/malformed-empty-name.ts:4:41: cacheme: template 'comment:<<>>' has an empty placeholder '<<>>' at offset 8; expected '<<name>>'
