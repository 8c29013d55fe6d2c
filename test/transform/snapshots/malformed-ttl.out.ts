import { cached } from 'cacheme'
import { fetchComment } from './db.js'

export const comments = cached('comment:<<id>>', fetchComment, { ttl: '5 minutes' })


// error: fixtures/malformed-ttl.ts:4:71: cacheme: ttl of 'comment:<<id>>' "5 minutes" is not a duration; expected a number of seconds or text like '250ms', '30s', '5m', '1h', '1d'
