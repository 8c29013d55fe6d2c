import { script, type Script } from './scripts.js'

/**
 * The scripts of a batched fill (batch.ts): each takes every key of one node at once, so a
 * batch's lock acquire, extend and commit cost one round trip per node, whatever the number of
 * keys. ARGV holds the shared arguments, then a fixed number per key, the key (and its store's
 * index key, in the key's slot) first. Each key's step is the same as its single-key script's in scripts.ts (a batch marker is a
 * plain head: a batch never forces, so its marker keeps no previous value). Index entries are
 * added per key and each touched index is pruned and given its expiry once, at the end.
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

const HELPERS = `
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local at = now()
local touched = {}
local function record(key, index, ttl)
  local score = '+inf'
  if ttl ~= '0' then score = tostring(at + tonumber(ttl)) end
  redis.call('ZADD', index, score, key)
  touched[index] = true
end
local function tidy()
  for index in pairs(touched) do
    redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. at)
    local top = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
    if top[2] == 'inf' then redis.call('PERSIST', index) else redis.call('PEXPIREAT', index, top[2]) end
  end
end
`

/**
 * ARGV: lock TTL ms, store TTL ms ('0': none), then per key: key, index, marker head, mode
 * ('missing' | 'replace'), bytes to replace. Per key, like ACQUIRE: {1} when taken, else
 * {0, current, PTTL}.
 */
const ACQUIRE_MANY = `${HELPERS}
local out = {}
for i = 1, (#ARGV - 2) / 5 do
  local a = 2 + (i - 1) * 5
  local key, index = ARGV[a + 1], ARGV[a + 2]
  local current = redis.call('GET', key)
  if (not current) or (ARGV[a + 4] == 'replace' and current == ARGV[a + 5]) then
    redis.call('SET', key, ARGV[a + 3], 'PX', ARGV[1])
    record(key, index, ARGV[2])
    out[i] = {1}
  else
    out[i] = {0, current, redis.call('PTTL', key)}
  end
end
tidy()
return out
`

/** ARGV: lock TTL ms, then per key: key, marker head. Per key, like EXTEND: 1 if extended. */
const EXTEND_MANY = `
local out = {}
for i = 1, (#ARGV - 1) / 2 do
  local key, head = ARGV[2 * i], ARGV[2 * i + 1]
  local current = redis.call('GET', key)
  if current and string.sub(current, 1, #head) == head then
    out[i] = redis.call('PEXPIRE', key, ARGV[1])
  else
    out[i] = 0
  end
end
return out
`

/**
 * ARGV: publish command ('' for none), then per key: key, index, 'c' (commit) or 'r'
 * (release), marker head, value ('' for a release), TTL ms ('0': none), notice ('' for none). While the marker is
 * still ours a commit writes the value (like COMMIT: fenced by an invalidate, set or refresh
 * in between) and a release deletes it (like RELEASE); the notice goes out either way. Per key:
 * {1 if written or released, the publish's error or false}.
 */
const SETTLE_MANY = `${HELPERS}
local out = {}
for i = 1, (#ARGV - 1) / 7 do
  local a = 1 + (i - 1) * 7
  local key, index = ARGV[a + 1], ARGV[a + 2]
  local head = ARGV[a + 4]
  local current = redis.call('GET', key)
  local done = 0
  if current and string.sub(current, 1, #head) == head then
    done = 1
    if ARGV[a + 3] == 'c' then
      if ARGV[a + 6] == '0' then
        redis.call('SET', key, ARGV[a + 5])
      else
        redis.call('SET', key, ARGV[a + 5], 'PX', ARGV[a + 6])
      end
      record(key, index, ARGV[a + 6])
      -- (what COMMIT records beside the index for a key, e.g. its tags, goes here too)
    else
      redis.call('DEL', key)
    end
  end
  local failed = false
  if ARGV[1] ~= '' and ARGV[a + 7] ~= '' then
    local reply = redis.pcall(ARGV[1], key, ARGV[a + 7])
    if type(reply) == 'table' and reply.err then failed = reply.err end
  end
  out[i] = {done, failed}
end
tidy()
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
