import { cached } from 'cacheme'
import { fetchComment } from './db.js'

export const comments = cached(`comment:
<<id`, fetchComment)
