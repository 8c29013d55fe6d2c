export async function fetchComment({ id }) {
  return { id }
}
