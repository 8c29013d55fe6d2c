import { register } from 'node:module'

register('./ioredis-hook.mjs', import.meta.url)
