/**
 * Lua scripts of the lock. Lock and value share one key (so one hash slot on a cluster): each
 * script reads and writes only KEYS[1], and publishes on a channel named like the key.
 * ARGV[1] is always the holder's marker.
 */

/**
 * Takes the lock when the key is missing, or holds exactly ARGV[4] (an undecodable value to
 * replace, when ARGV[3] is '1'). Returns 1 when taken, else { current bytes, PTTL }.
 */
export const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if (not current) or (ARGV[3] == '1' and current == ARGV[4]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return { current, redis.call('PTTL', KEYS[1]) }
`

/** Pushes the lock's expiry while the marker is still ours. Returns 1 if extended. */
export const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`

/**
 * Writes the value (ARGV[2], TTL ARGV[3] ms, '0' = none) only while the marker is still ours:
 * an invalidate (DEL) or refresh/set (overwrite) in between fences this write off. Publishes
 * the notice (ARGV[6]) with ARGV[4] (PUBLISH or SPUBLISH) on ARGV[5] either way, for the
 * callers that waited on this fill. Returns 1 if written.
 */
export const COMMIT = `
local written = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if ARGV[3] == '0' then
    redis.call('SET', KEYS[1], ARGV[2])
  else
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  end
  written = 1
end
redis.call(ARGV[4], ARGV[5], ARGV[6])
return written
`

/**
 * Compare-and-delete: removes the marker only if it is still ours, never another holder's.
 * Publishes the notice ARGV[4] with ARGV[2] on ARGV[3] unless ARGV[2] is ''. Returns 1 if deleted.
 */
export const RELEASE = `
local released = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  released = 1
end
if ARGV[2] ~= '' then
  redis.call(ARGV[2], ARGV[3], ARGV[4])
end
return released
`
