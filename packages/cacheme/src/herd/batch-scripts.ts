import { script, type Script } from './scripts.js'

/**
 * The scripts of a batched fill (batch.ts): each takes every key of one node at once, so a
 * batch's lock acquire, extend and commit cost one round trip per node, whatever the number of
 * keys. ARGV holds the shared arguments, then every key's fields packed in one argument (a
 * command of a few large arguments costs the client far less than one of hundreds), the key
 * (and its store's index key, in the key's slot) first. Each key's step is the same as its single-key script's in scripts.ts (a batch marker is a
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
-- The per-key fields, packed in one argument (each: 4-byte big-endian length, bytes): 'per' a key.
local function items(packed, per)
  local list, pos = {}, 1
  while pos <= #packed do
    local item = {}
    for f = 1, per do
      local len = struct.unpack('>I4', packed, pos)
      item[f] = string.sub(packed, pos + 4, pos + 3 + len)
      pos = pos + 4 + len
    end
    list[#list + 1] = item
  end
  return list
end
`

/**
 * ARGV: lock TTL ms, store TTL ms ('0': none), the packed fields of every key: key, index,
 * marker head, mode ('missing' | 'replace'), bytes to replace. Per key, like ACQUIRE: {1} when
 * taken, else {0, current, PTTL}.
 */
const ACQUIRE_MANY = `${HELPERS}
local out = {}
for i, f in ipairs(items(ARGV[3], 5)) do
  local key, index = f[1], f[2]
  local current = redis.call('GET', key)
  if (not current) or (f[4] == 'replace' and current == f[5]) then
    redis.call('SET', key, f[3], 'PX', ARGV[1])
    record(key, index, ARGV[2])
    out[i] = {1}
  else
    out[i] = {0, current, redis.call('PTTL', key)}
  end
end
tidy()
return out
`

/** ARGV: lock TTL ms, the packed fields of every key: key, marker head. Per key, like EXTEND: 1 if extended. */
const EXTEND_MANY = `${HELPERS}
local out = {}
for i, f in ipairs(items(ARGV[2], 2)) do
  local current = redis.call('GET', f[1])
  if current and string.sub(current, 1, #f[2]) == f[2] then
    out[i] = redis.call('PEXPIRE', f[1], ARGV[1])
  else
    out[i] = 0
  end
end
return out
`

/**
 * ARGV: publish command ('' for none), the packed fields of every key: key, index, 'c'
 * (commit) or 'r' (release), marker head, value ('' for a release), TTL ms ('0': none), notice
 * ('' for none; '=' for the value's own notice, built here so the value travels once). While
 * the marker is still ours a commit writes the value (like COMMIT: fenced by an invalidate,
 * set or refresh in between) and a release deletes it (like RELEASE); the notice goes out
 * either way. Per key: {1 if written or released, the publish's error or false}.
 */
const SETTLE_MANY = `${HELPERS}
local out = {}
for i, f in ipairs(items(ARGV[2], 7)) do
  local key, index, head, ttl = f[1], f[2], f[4], f[6]
  local current = redis.call('GET', key)
  local done = 0
  if current and string.sub(current, 1, #head) == head then
    done = 1
    if f[3] == 'c' then
      if ttl == '0' then
        redis.call('SET', key, f[5])
      else
        redis.call('SET', key, f[5], 'PX', ttl)
      end
      record(key, index, ttl)
      -- (what COMMIT records beside the index for a key, e.g. its tags, goes here too)
    else
      redis.call('DEL', key)
    end
  end
  local failed = false
  local notice = f[7]
  -- A value notice is its kind ('v'), the holder's token (the head after its 5-byte header), the value.
  if notice == '=' then notice = 'v' .. string.sub(head, 6) .. f[5] end
  if ARGV[1] ~= '' and notice ~= '' then
    local reply = redis.pcall(ARGV[1], key, notice)
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
