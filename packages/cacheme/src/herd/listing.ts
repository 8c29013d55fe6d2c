/**
 * The Lua that keeps a key listed where the invalidations find it: its store's index (for
 * `invalidateAll`) and its tags' sets (for `invalidateTags`), each a sorted set of key names in
 * the key's own hash slot on a cluster. A script that writes a key includes this text and calls
 * these functions; none of them reads KEYS or ARGV, so a script over many keys (a batch commit
 * per node) calls them once per key.
 *
 * What makes it cheap (issue 12: a cold get ran 18 server commands, 10 of them here):
 * - No server TIME: scores are the writer's clock, and they are only *hints* of when a member
 *   may be gone. Nothing is removed on a score alone: `prune` checks the key itself (PTTL) and
 *   drops only members whose key no longer exists, re-scoring the others. So a skewed clock, a
 *   fetch extended past its first estimate or a TTL set later costs a later re-check, never a
 *   key that `invalidateAll` / `invalidateTags` can't find.
 * - No pruning on every write: the client asks for it now and then (ARGV), bounded per call.
 * - A set's expiry only ever grows, and only when it must: `list` reads PTTL first (a set just
 *   created has none; one that has none but existed lists a key that never expires) and sets it
 *   only when it is short of `ttl`; `cover` is one PEXPIRE … GT (a no-op on a set that never expires).
 *
 * The invariant the fencing of fills rests on: a set lives at least as long as every key it
 * lists. A lock marker is listed (and its sets covered for the lock's TTL) by the script that
 * sets it, and covered again by every extension; a commit covers the value's TTL. So while a
 * marker is ours, its store index still lists it, and an `invalidateAll` / `invalidateTags`
 * in between deletes the marker, which makes the commit find it gone and not write.
 *
 *   list(index, key, score, ttl)  adds `key` (score: when it should expire, ms, a hint) and
 *                                 makes `index` live >= ttl ms more ('0': for ever).
 *   cover(index, ttl)             `index` already lists the key: make it live >= ttl ms more.
 *   prune(index, now, count)      re-checks at most `count` members whose score is before `now`
 *                                 (a key without expiry again an hour later: it may be deleted).
 *   listWritten(key, index, tags, pending, score, ttl)
 *                                 after a fill's value is written under `key` (the marker was
 *                                 ours): covers its store index; with `pending` (a set name:
 *                                 the fill's tags came with the value) lists the key in each tag
 *                                 set of the Lua table `tags` and takes it off `pending`; with
 *                                 `pending` false (static tags, listed with the marker) covers them.
 *   listCommitted(key, sets, pendingLast, score, ttl, clock, count)
 *                                 listWritten for a commit's sets as its script gets them: the
 *                                 index, the tags' sets, then (`pendingLast`) the pending set;
 *                                 tags' sets listed only now are pruned first.
 */
export const LISTING_LUA = `
local function list(index, key, score, ttl)
  local left = redis.call('PTTL', index)
  redis.call('ZADD', index, score, key)
  if ttl == '0' then
    if left >= 0 then redis.call('PERSIST', index) end
  elseif left == -2 or (left >= 0 and left < tonumber(ttl)) then
    redis.call('PEXPIRE', index, ttl)
  end
end
local function cover(index, ttl)
  if ttl == '0' then redis.call('PERSIST', index) else redis.call('PEXPIRE', index, ttl, 'GT') end
end
local function prune(index, now, count)
  if count == '0' then return end
  local due = redis.call('ZRANGE', index, '-inf', '(' .. now, 'BYSCORE', 'LIMIT', 0, count)
  for _, member in ipairs(due) do
    local left = redis.call('PTTL', member)
    if left == -2 then
      redis.call('ZREM', index, member)
    elseif left == -1 then
      redis.call('ZADD', index, 'XX', tonumber(now) + 3600000, member)
    else
      redis.call('ZADD', index, 'XX', tonumber(now) + left, member)
    end
  end
end
local function listWritten(key, index, tags, pending, score, ttl)
  cover(index, ttl)
  if pending then
    for _, tag in ipairs(tags) do list(tag, key, score, ttl) end
    redis.call('ZREM', pending, key)
  else
    for _, tag in ipairs(tags) do cover(tag, ttl) end
  end
end
local function listCommitted(key, sets, pendingLast, score, ttl, clock, count)
  local last = #sets
  local pending = false
  if pendingLast then pending = sets[last]; last = last - 1 end
  local tags = {}
  for i = 2, last do
    if pending then prune(sets[i], clock, count) end
    tags[#tags + 1] = sets[i]
  end
  listWritten(key, sets[1], tags, pending, score, ttl)
end
`
