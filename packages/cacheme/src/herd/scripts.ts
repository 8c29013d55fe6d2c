import { createHash } from 'node:crypto'
import { LISTING_LUA } from './listing.js'

/**
 * The herd's Lua scripts, beside the algorithm that runs them (herd.ts). Each touches only
 * KEYS[1] (the value key, which holds a value or a lock marker) and the sets that list it (its
 * store's index, its tags' sets: all in the key's hash slot on a cluster; listing.ts), so each
 * is one atomic step on the key's node. A marker is
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

export function script(name: string, lua: string): Script {
  return { name, lua, sha: createHash('sha1').update(lua).digest('hex') }
}

/**
 * Shared by the scripts below: server time (only where an absolute expiry is kept inside a
 * marker, a refresh's), the notice, whose marker it is, and listing KEYS[1] in the sets
 * KEYS[from..to] (listing.ts), pruning each first when the client asks for it.
 */
const COMMON = `${LISTING_LUA}
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
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
local function listIn(from, to, score, ttl, clock, count)
  for i = from, to do
    prune(KEYS[i], clock, count)
    list(KEYS[i], KEYS[1], score, ttl)
  end
end
`

/**
 * KEYS: the key, its store index, then the sets of its tags known before the value (and the
 * client's set of fills whose tags come with the value). ARGV: marker head, lock TTL ms, mode
 * ('missing' | 'replace' | 'revalidate' | 'force'), bytes to replace, score (when the value should expire, by
 * the client's clock), marker magic, marker head length, the client's clock (ms), how many
 * members of each set to prune ('0': none).
 * Takes the lock when the key is missing, holds exactly the bytes to replace ('replace',
 * 'revalidate'), or always ('force'); a forced or revalidating marker keeps the value it
 * replaces after its head. The marker is listed in every set, which lives at least as long as
 * the lock. Returns {1} when taken ({1, the replaced bytes} when forced over a value or marker:
 * the refresh's `ctx.stale`), else {0, current bytes, PTTL}.
 */
export const ACQUIRE = script(
  'acquire',
  `${COMMON}
local mode = ARGV[3]
local current
if mode == 'missing' then
  -- One command for the common case (Redis >= 7: NX with GET): the old bytes, or nil once set.
  current = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'GET', 'PX', ARGV[2])
  if not current then
    listIn(2, #KEYS, ARGV[5], ARGV[2], ARGV[8], ARGV[9])
    return {1}
  end
  return {0, current, redis.call('PTTL', KEYS[1])}
end
current = redis.call('GET', KEYS[1])
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
  listIn(2, #KEYS, ARGV[5], ARGV[2], ARGV[8], ARGV[9])
  if mode == 'force' and current then return {1, current} end
  return {1}
end
return {0, current, redis.call('PTTL', KEYS[1])}
`,
)

/**
 * KEYS: the key, then every set its marker was listed in. ARGV: marker head, lock TTL ms.
 * Pushes the lock's expiry while the marker is ours, and the sets' with it. Returns 1 if extended.
 */
export const EXTEND = script(
  'extend',
  `${COMMON}
if ours(redis.call('GET', KEYS[1])) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  for i = 2, #KEYS do cover(KEYS[i], ARGV[2]) end
  return 1
end
return 0
`,
)

/**
 * KEYS: the key, its store index, the sets of the value's tags (those its marker was listed in,
 * unless ARGV[9] is '1'), then (when ARGV[9] is '1') the client's set of fills whose tags come
 * with the value. ARGV: marker head, value, TTL ms ('0':
 * none), publish command ('' for none), notice, score, the client's clock, members to prune,
 * '1' or '0'.
 * Writes the value only while the marker is still ours: an invalidate (DEL), a set or a refresh
 * (overwrite), an invalidateAll or invalidateTags in between fences this write off. Publishes
 * the notice either way, for the callers waiting on this fill. Returns {1 if written, the
 * publish's error or false}.
 */
export const COMMIT = script(
  'commit',
  `${COMMON}
local written = 0
if ours(redis.call('GET', KEYS[1])) then
  if ARGV[3] == '0' then
    redis.call('SET', KEYS[1], ARGV[2])
  else
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  end
  -- Static tags list the key since its marker, like the index; a tags function's come now.
  listCommitted(KEYS[1], {unpack(KEYS, 2)}, ARGV[9] == '1', ARGV[6], ARGV[3], ARGV[7], ARGV[8])
  written = 1
end
return {written, notify(4)}
`,
)

/**
 * ARGV: marker head, publish command ('' for none), notice. Compare-and-delete: removes the
 * marker only if it is still ours, never another holder's; a refresh's marker gives back the
 * value it kept, with its expiry (or nothing, once that passed). Returns {1 if released, the
 * publish's error or false}.
 */
export const RELEASE = script(
  'release',
  `${COMMON}
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
`,
)

/**
 * KEYS: the key, its store index, the sets of its tags. ARGV: value, TTL ms ('0': none),
 * publish command ('' for none), notice, score, the client's clock, members to prune. A set:
 * writes over anything (a marker too, fencing that fill off), lists the key, tells waiters to
 * re-check.
 */
export const SET = script(
  'set',
  `${COMMON}
if ARGV[2] == '0' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
listIn(2, #KEYS, ARGV[5], ARGV[2], ARGV[6], ARGV[7])
if ARGV[3] ~= '' then redis.pcall(ARGV[3], KEYS[1], ARGV[4]) end
return 1
`,
)

/** ARGV: publish command ('' for none), notice. An invalidate: deletes the key (a marker too) and its index entry. */
export const DEL = script(
  'del',
  `
local removed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
if ARGV[1] ~= '' then redis.pcall(ARGV[1], KEYS[1], ARGV[2]) end
return removed
`,
)

/**
 * A cluster's invalidateAll: the store's indexes of every slot one master serves, in one call
 * (Redis >= 7 lets a script flagged so reach keys of several slots of its own node). ARGV: how
 * many keys to delete at most, then the index names. Returns {keys that existed, the indexes
 * that still have members}.
 */
export const DEL_INDEXED_ON_NODE = script(
  'delIndexedOnNode',
  `#!lua flags=allow-cross-slot-keys
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
`,
)

/**
 * KEYS[1]: an index; ARGV: how many members at most. Deletes that many of the keys it lists
 * (on a cluster they share its slot) and their entries. Returns {keys that existed, members taken}.
 */
export const DEL_INDEXED = script(
  'delIndexed',
  `
local members = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local removed = 0
for _, key in ipairs(members) do removed = removed + redis.call('DEL', key) end
if #members > 0 then redis.call('ZREM', KEYS[1], unpack(members)) end
return {removed, #members}
`,
)

/**
 * invalidateTags on one node: a standalone server, or a cluster master over the sets of every
 * slot it serves (Redis >= 7 lets a script flagged so reach keys of several slots of its own
 * node). The names are built here, not sent: on a cluster each set is `head{slot tag}tail` for
 * each of the master's slots (thousands per set). ARGV: how many members to take at most,
 * marker magic, the slot tags (3 characters each, concatenated; '' on standalone: one set per
 * name), the position to start at (the index over sets × slots of the call before; 0 first),
 * then per set: kind ('p': pending fills, 't': a tag), head, tail.
 * Deletes every key a tag's set lists (a fill's marker too, which fences its commit off) and
 * counts those that existed; deletes the markers a pending set lists (a value already written
 * there is left: its tags are in the tag sets). A call takes at most `budget` members and looks
 * at most at 4096 names. Returns {keys removed, where to go on (-1: done)}.
 */
export const DEL_TAGGED = script(
  'delTagged',
  `#!lua flags=allow-cross-slot-keys
local budget = tonumber(ARGV[1])
local magic = ARGV[2]
local slots = ARGV[3]
local perSet = math.max(1, #slots / 3)
local removed = 0
local function sweep(kind, name)
  if redis.call('EXISTS', name) == 0 then return true end
  if budget <= 0 then return false end
  local members = redis.call('ZRANGE', name, 0, budget - 1)
  for _, key in ipairs(members) do
    if kind == 'p' then
      local current = redis.call('GET', key)
      if current and string.sub(current, 1, #magic) == magic then redis.call('DEL', key) end
    else
      removed = removed + redis.call('DEL', key)
    end
  end
  redis.call('ZREM', name, unpack(members))
  budget = budget - #members
  return budget > 0 or redis.call('EXISTS', name) == 0
end
local sets = (#ARGV - 4) / 3
local last = sets * perSet - 1
local function nameAt(position)
  local i = 5 + 3 * math.floor(position / perSet)
  if slots == '' then return ARGV[i], ARGV[i + 1] .. ARGV[i + 2] end
  local s = 3 * (position % perSet) + 1
  return ARGV[i], ARGV[i + 1] .. '{' .. string.sub(slots, s, s + 2) .. '}' .. ARGV[i + 2]
end
-- A multi-key EXISTS over names of several slots is refused even here: one per name, at most
-- 4096 names a call, so one call never blocks the server for long.
local first = tonumber(ARGV[4])
for position = first, math.min(last, first + 4095) do
  local kind, name = nameAt(position)
  if not sweep(kind, name) then return {removed, position} end
end
if first + 4095 < last then return {removed, first + 4096} end
return {removed, -1}
`,
)
