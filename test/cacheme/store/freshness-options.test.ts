import { describe, expect, test } from 'vitest'
import { cached, DurationError } from 'cacheme'

const make = (options: object) => () => cached('f:<<id>>', ({ id }: { id: string }) => id, { ttl: '5m', ...options } as never)

describe('freshness options', () => {
  test('are accepted in every documented form', () => {
    for (const options of [
      { staleWhileRevalidate: '1m' },
      { staleWhileRevalidate: 30 },
      { staleIfError: '1h' },
      { fetchTimeout: '2s' },
      { fetchTimeout: { soft: '200ms' } },
      { fetchTimeout: { hard: 2 } },
      { fetchTimeout: { soft: '200ms', hard: '2s' } },
      { earlyRefresh: true },
      { earlyRefresh: false },
      { earlyRefresh: { beta: 2.5 } },
      { earlyRefresh: {} },
    ])
      expect(make(options)).not.toThrow()
  })

  test('a bad value is refused, naming the option, the store and the value', () => {
    expect(make({ staleWhileRevalidate: '1 minute' })).toThrow(DurationError)
    expect(make({ staleWhileRevalidate: '1 minute' })).toThrow(`staleWhileRevalidate of 'f:<<id>>' "1 minute" is not a duration`)
    expect(make({ staleIfError: -1 })).toThrow(/staleIfError of 'f:<<id>>' must be a number of seconds >= 0 .*got number -1/)
    expect(make({ fetchTimeout: 0 })).toThrow("fetchTimeout of 'f:<<id>>' must be longer than 0, got number 0")
    expect(make({ fetchTimeout: { hard: '0s' } })).toThrow(`fetchTimeout.hard of 'f:<<id>>' must be longer than 0, got "0s"`)
    expect(make({ fetchTimeout: { soft: '2s', hard: '1s' } })).toThrow(
      `fetchTimeout.soft of 'f:<<id>>' ("2s") must be shorter than fetchTimeout.hard ("1s")`,
    )
    expect(make({ fetchTimeout: { sfot: '1s' } })).toThrow("unknown fetchTimeout option 'sfot' for 'f:<<id>>'; expected one of soft, hard")
    expect(make({ fetchTimeout: null })).toThrow(`fetchTimeout of 'f:<<id>>' must be a TTL ('5s', 5) or { soft?, hard? }, got null`)
    expect(make({ earlyRefresh: { beta: 0 } })).toThrow(
      "earlyRefresh.beta of 'f:<<id>>' must be a finite number > 0 (default 1), got number 0",
    )
    expect(make({ earlyRefresh: 'yes' })).toThrow(`earlyRefresh of 'f:<<id>>' must be true or { beta: number }, got "yes"`)
    expect(make({ earlyRefresh: { betta: 1 } })).toThrow("unknown earlyRefresh option 'betta' for 'f:<<id>>' (did you mean 'beta'?)")
  })

  test('a misspelt option name suggests the right one', () => {
    expect(make({ staleWhileRevalidat: '1m' })).toThrow(
      /unknown option 'staleWhileRevalidat' for 'f:<<id>>' \(did you mean 'staleWhileRevalidate'\?\)/,
    )
  })
})
