// The fetchers of the fixture app: deterministic values, and a count of calls per store.
export const calls = {}

function count(name) {
  calls[name] = (calls[name] ?? 0) + 1
}

export async function fetchComment({ id }) {
  count('comment')
  return { id, text: `comment ${id}` }
}

export async function fetchUser({ userID }) {
  count('user')
  return { userID, joined: new Date(Date.UTC(2020, 0, Number.parseInt(userID, 36) % 28)) }
}

export async function fetchBook({ categoryID, bookID }) {
  count('book')
  return { categoryID, bookID, tags: new Set(['a', 'b']) }
}
