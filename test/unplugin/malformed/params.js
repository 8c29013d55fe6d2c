import { cached } from 'cacheme'
import { fetchComment } from './db.js'

export const posts = await cached('user:<<userId>>:posts', fetchComment).get({ userID: 1 })
