export { parseTemplate, describeValue, TemplateError } from './parse-template.js'
export type { ParsedTemplate, Placeholder } from './parse-template.js'
export { parseTtl, DurationError } from './parse-duration.js'
export { encodeParam, isPlainParam, keyParam, renderKeyPart } from './encode-param.js'
