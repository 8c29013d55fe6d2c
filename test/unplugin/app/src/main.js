import { explode, run } from './scenario.js'

const [url, prefix, mode] = process.argv.slice(2)
if (mode === 'explode') {
  await explode(url, prefix).catch((error) => process.stdout.write(JSON.stringify({ stack: error.stack })))
} else {
  process.stdout.write(JSON.stringify(await run(url, prefix)))
}
