import { serviceSuite } from './service.js'

serviceSuite('hono')
