import { cached } from 'cacheme'
import { fetchComment } from './db.js'

export const view = (id) => <p>{id}</p>
export const comments = cached('comment:<<id', fetchComment)
