import { createHash } from 'node:crypto'

/**
 * The herd's Lua scripts, beside the algorithm that runs them (herd.ts). Each touches only
 * KEYS[1] (the value key, which holds a value or a lock marker) and KEYS[2] (its store's index,
 * in the same hash slot on a cluster), so each is one atomic step on the key's node. A marker is
 * "ours" when the key's bytes start with our marker head (header + token); what follows the
 * head (a previous value kept readable by a refresh) does not change whose lock it is.
 * Notices go out on a channel named like the key, with PUBLISH or SPUBLISH given by the caller,
 * through pcall: a user without publish rights still caches (waiters find out by re-checking).
 */
export interface Script {
  readonly name: string
  readonly lua: string
  readonly sha: string
}

function script(name: string, lua: string): Script {
  return { name, lua, sha: createHash('sha1').update(lua).digest('hex') }
}

/**
 * Records KEYS[1] in the index KEYS[2] until it expires (score: expiry in ms, +inf for none),
 * prunes members already expired, and lets the index itself expire with its longest-lived member.
 * Server time, so clocks of client machines don't matter.
 */
const RECORD = `
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function record(ttl)
  local at = now()
  local score = '+inf'
  if ttl ~= '0' then score = tostring(at + tonumber(ttl)) end
  redis.call('ZADD', KEYS[2], score, KEYS[1])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. at)
  local top = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  if top[2] == 'inf' then redis.call('PERSIST', KEYS[2]) else redis.call('PEXPIREAT', KEYS[2], top[2]) end
end
-- Publishes ARGV[i+1] on KEYS[1] with the command ARGV[i] ('' for none); returns the error, if any.
local function notify(i)
  if ARGV[i] == '' then return false end
  local reply = redis.pcall(ARGV[i], KEYS[1], ARGV[i + 1])
  if type(reply) == 'table' and reply.err then return reply.err end
  return false
end
local function ours(current)
  return current and string.sub(current, 1, #ARGV[1]) == ARGV[1]
end
`

/**
 * ARGV: marker head, lock TTL ms, mode ('missing' | 'replace' | 'revalidate' | 'force'), bytes
 * to replace, store TTL ms ('0': none), marker magic, marker head length.
 * Takes the lock when the key is missing, holds exactly the bytes to replace ('replace',
 * 'revalidate'), or always ('force'); a forced or revalidating marker keeps the value it
 * replaces after its head. Returns {1} when taken ({1, the replaced bytes} when forced over a
 * value or marker: the refresh's `ctx.stale`), else {0, current bytes, PTTL}.
 */
export const ACQUIRE = script('acquire', `${RECORD}
local current = redis.call('GET', KEYS[1])
local mode = ARGV[3]
if mode == 'force' or (not current) or ((mode == 'replace' or mode == 'revalidate') and current == ARGV[4]) then
  local marker = ARGV[1]
  if (mode == 'force' or mode == 'revalidate') and current then
    if string.sub(current, 1, #ARGV[6]) == ARGV[6] then
      marker = marker .. string.sub(current, tonumber(ARGV[7]) + 1)
    else
      local pttl = redis.call('PTTL', KEYS[1])
      local expires = -1
      if pttl >= 0 then expires = now() + pttl end
      marker = marker .. struct.pack('>d', expires) .. current
    end
  end
  redis.call('SET', KEYS[1], marker, 'PX', ARGV[2])
  record(ARGV[5])
  if mode == 'force' and current then return {1, current} end
  return {1}
end
return {0, current, redis.call('PTTL', KEYS[1])}
`)

/** ARGV: marker head, lock TTL ms. Pushes the lock's expiry while the marker is ours. Returns 1 if extended. */
export const EXTEND = script('extend', `${RECORD}
if ours(redis.call('GET', KEYS[1])) then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)

/**
 * ARGV: marker head, value, TTL ms ('0': none), publish command ('' for none), notice.
 * Writes the value only while the marker is still ours: an invalidate (DEL), a set or a refresh
 * (overwrite) in between fences this write off. Publishes the notice either way, for the
 * callers waiting on this fill. Returns {1 if written, the publish's error or false}.
 */
export const COMMIT = script('commit', `${RECORD}
local written = 0
if ours(redis.call('GET', KEYS[1])) then
  if ARGV[3] == '0' then
    redis.call('SET', KEYS[1], ARGV[2])
  else
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  end
  record(ARGV[3])
  written = 1
end
return {written, notify(4)}
`)

/**
 * ARGV: marker head, publish command ('' for none), notice. Compare-and-delete: removes the
 * marker only if it is still ours, never another holder's; a refresh's marker gives back the
 * value it kept, with its expiry (or nothing, once that passed). Returns {1 if released, the
 * publish's error or false}.
 */
export const RELEASE = script('release', `${RECORD}
local released = 0
local current = redis.call('GET', KEYS[1])
if ours(current) then
  released = 1
  if #current > #ARGV[1] + 8 then
    local expires = struct.unpack('>d', string.sub(current, #ARGV[1] + 1, #ARGV[1] + 8))
    local kept = string.sub(current, #ARGV[1] + 9)
    if expires < 0 then
      redis.call('SET', KEYS[1], kept)
    elseif expires > now() then
      redis.call('SET', KEYS[1], kept, 'PX', math.floor(expires - now()))
    else
      redis.call('DEL', KEYS[1])
    end
  else
    redis.call('DEL', KEYS[1])
  end
end
return {released, notify(2)}
`)

/**
 * ARGV: value, TTL ms ('0': none), publish command ('' for none), notice. A set: writes over
 * anything (a marker too, fencing that fill off), records the index, tells waiters to re-check.
 */
export const SET = script('set', `${RECORD}
if ARGV[2] == '0' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
record(ARGV[2])
if ARGV[3] ~= '' then redis.pcall(ARGV[3], KEYS[1], ARGV[4]) end
return 1
`)

/** ARGV: publish command ('' for none), notice. An invalidate: deletes the key (a marker too) and its index entry. */
export const DEL = script('del', `
local removed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
if ARGV[1] ~= '' then redis.pcall(ARGV[1], KEYS[1], ARGV[2]) end
return removed
`)

/**
 * A cluster's invalidateAll: the store's indexes of every slot one master serves, in one call
 * (Redis >= 7 lets a script flagged so reach keys of several slots of its own node). ARGV: how
 * many keys to delete at most, then the index names. Returns {keys that existed, the indexes
 * that still have members}.
 */
export const DEL_INDEXED_ON_NODE = script('delIndexedOnNode', `#!lua flags=allow-cross-slot-keys
local budget = tonumber(ARGV[1])
local removed = 0
local rest = {}
for i = 2, #ARGV do
  local index = ARGV[i]
  if budget > 0 then
    local members = redis.call('ZRANGE', index, 0, budget - 1)
    for _, key in ipairs(members) do removed = removed + redis.call('DEL', key) end
    if #members > 0 then redis.call('ZREM', index, unpack(members)) end
    budget = budget - #members
  end
  if redis.call('EXISTS', index) == 1 then rest[#rest + 1] = index end
end
return {removed, rest}
`)

/**
 * KEYS[1]: an index; ARGV: how many members at most. Deletes that many of the keys it lists
 * (on a cluster they share its slot) and their entries. Returns {keys that existed, members taken}.
 */
export const DEL_INDEXED = script('delIndexed', `
local members = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local removed = 0
for _, key in ipairs(members) do removed = removed + redis.call('DEL', key) end
if #members > 0 then redis.call('ZREM', KEYS[1], unpack(members)) end
return {removed, #members}
`)
