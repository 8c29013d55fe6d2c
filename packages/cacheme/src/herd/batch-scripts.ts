import { LISTING_LUA } from './listing.js'
import { script, type Script } from './scripts.js'

/**
 * The scripts of a batched fill (batch.ts): each takes every key of one node at once, so a
 * batch's lock acquire, extend and commit cost one round trip per node, whatever the number of
 * keys. ARGV holds the shared arguments, then every key's fields packed in one argument (a
 * command of a few large arguments costs the client far less than one of hundreds): a key's
 * fixed fields, then the sets that list it (its store's index first, then its tags' sets, in
 * the key's slot). Each key's step is its single-key script's in scripts.ts, with the same
 * listing (listing.ts), so a batch-filled key is found by invalidateAll and invalidateTags and
 * its fill fenced by them like a lone fill (a batch marker is a plain head: a batch never
 * forces, so its marker keeps no previous value).
 *
 * On a cluster a node's keys are in many slots: the scripts run with the
 * `allow-cross-slot-keys` flag (Redis >= 7, like DEL_INDEXED_ON_NODE), and the keys go in ARGV,
 * not KEYS: Redis 7.0 refuses declared keys of several slots (CROSSSLOT) before the script
 * runs, flag or not. A standalone server gets the same body without the flag (the shebang line
 * needs Redis 7).
 */
export interface BatchScripts {
  acquire: Script
  extend: Script
  settle: Script
}

const HELPERS = `${LISTING_LUA}
-- The per-key fields, packed in one argument (each: 4-byte big-endian length, bytes): 'per'
-- fixed fields a key, then how many sets list it and their names (item.sets).
local function items(packed, per)
  local out, pos = {}, 1
  local function field()
    local len = struct.unpack('>I4', packed, pos)
    local value = string.sub(packed, pos + 4, pos + 3 + len)
    pos = pos + 4 + len
    return value
  end
  while pos <= #packed do
    local item = {}
    for f = 1, per do item[f] = field() end
    local sets = {}
    for s = 1, tonumber(field()) do sets[s] = field() end
    item.sets = sets
    out[#out + 1] = item
  end
  return out
end
`

/**
 * ARGV: lock TTL ms, score (when a value would expire, by the client's clock), the client's
 * clock (ms), the packed fields of every key: key, marker head, mode ('missing' | 'replace'),
 * bytes to replace, members to prune ('0': none); its sets. Per key, like ACQUIRE: {1} when
 * taken (the marker listed in every set, which lives at least as long as the lock), else {0,
 * current, PTTL}.
 */
const ACQUIRE_MANY = `${HELPERS}
local out = {}
for i, f in ipairs(items(ARGV[4], 5)) do
  local key = f[1]
  local current = redis.call('GET', key)
  if (not current) or (f[3] == 'replace' and current == f[4]) then
    redis.call('SET', key, f[2], 'PX', ARGV[1])
    for _, set in ipairs(f.sets) do
      prune(set, ARGV[3], f[5])
      list(set, key, ARGV[2], ARGV[1])
    end
    out[i] = {1}
  else
    out[i] = {0, current, redis.call('PTTL', key)}
  end
end
return out
`

/**
 * ARGV: lock TTL ms, the packed fields of every key: key, marker head; its sets. Per key, like
 * EXTEND: pushes the lock's expiry while the marker is ours, and its sets' with it; 1 if extended.
 */
const EXTEND_MANY = `${HELPERS}
local out = {}
for i, f in ipairs(items(ARGV[2], 2)) do
  local current = redis.call('GET', f[1])
  if current and string.sub(current, 1, #f[2]) == f[2] then
    redis.call('PEXPIRE', f[1], ARGV[1])
    for _, set in ipairs(f.sets) do cover(set, ARGV[1]) end
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`

/**
 * ARGV: publish command ('' for none), the client's clock (ms), the packed fields of every
 * key: key, 'c' (commit) or 'r' (release), marker head, value ('' for a release), TTL ms ('0':
 * none), notice ('' for none; '=' for the value's own notice, built here so the value travels
 * once), score, members to prune, '1' when the last set is the client's pending set (the
 * value's tags came with it) else '0'; its sets (a release: none). While the marker is still
 * ours a commit writes the value and lists it like COMMIT (fenced by an invalidate, set,
 * refresh, invalidateAll or invalidateTags in between) and a release deletes it (like RELEASE);
 * the notice goes out either way. Per key: {1 if written or released, the publish's error or false}.
 */
const SETTLE_MANY = `${HELPERS}
local out = {}
for i, f in ipairs(items(ARGV[3], 9)) do
  local key, head, ttl = f[1], f[3], f[5]
  local current = redis.call('GET', key)
  local done = 0
  if current and string.sub(current, 1, #head) == head then
    done = 1
    if f[2] == 'c' then
      if ttl == '0' then
        redis.call('SET', key, f[4])
      else
        redis.call('SET', key, f[4], 'PX', ttl)
      end
      listCommitted(key, f.sets, f[9] == '1', f[7], ttl, ARGV[2], f[8])
    else
      redis.call('DEL', key)
    end
  end
  local failed = false
  local notice = f[6]
  -- A value notice is its kind ('v'), the holder's token (the head after its 5-byte header), the value.
  if notice == '=' then notice = 'v' .. string.sub(head, 6) .. f[4] end
  if ARGV[1] ~= '' and notice ~= '' then
    local reply = redis.pcall(ARGV[1], key, notice)
    if type(reply) == 'table' and reply.err then failed = reply.err end
  end
  out[i] = {done, failed}
end
return out
`

const CROSS_SLOT = '#!lua flags=allow-cross-slot-keys\n'

/** For one standalone server. */
export const STANDALONE_BATCH: BatchScripts = {
  acquire: script('acquireMany', ACQUIRE_MANY),
  extend: script('extendMany', EXTEND_MANY),
  settle: script('settleMany', SETTLE_MANY),
}

/** For one cluster master, over the keys of all the slots it serves. */
export const CLUSTER_BATCH: BatchScripts = {
  acquire: script('acquireManyOnNode', CROSS_SLOT + ACQUIRE_MANY),
  extend: script('extendManyOnNode', CROSS_SLOT + EXTEND_MANY),
  settle: script('settleManyOnNode', CROSS_SLOT + SETTLE_MANY),
}
