import { serviceSuite } from './service.js'

serviceSuite('express')
