import { serviceSuite } from './service.js'

serviceSuite('fastify')
