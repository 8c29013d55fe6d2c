/** Compile-time equality of two types: `expectType<Equal<A, B>>(true)`. */
export type Equal<A, B> = (<V>() => V extends A ? 1 : 2) extends <V>() => V extends B ? 1 : 2 ? true : false

export function expectType<T extends true>(_: T): void {}
