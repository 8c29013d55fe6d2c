import { cached } from 'cacheme'
import { fetchComment } from './db.js'

export const comments = cached('comment:<<id', fetchComment)


// error: fixtures/malformed-unclosed.ts:4:41: cacheme: template 'comment:<<id' has an unclosed '<<' at offset 8; expected '<<name>>'
