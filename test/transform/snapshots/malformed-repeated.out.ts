import { cached } from 'cacheme'
import { fetchComment } from './db.js'

export const comments = cached('comment:<<id>>:<<id>>', fetchComment)


// error: fixtures/malformed-repeated.ts:4:48: cacheme: template 'comment:<<id>>:<<id>>' repeats placeholder '<<id>>' (offsets 8 and 15); each name may appear once
