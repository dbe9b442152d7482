package redis

import goredis "github.com/redis/go-redis/v9"

// scripts are the Lua scripts that make multi-key operations atomic.
type scripts struct {
	create        *goredis.Script
	updateVersion *goredis.Script
	appendAudit   *goredis.Script
	ack           *goredis.Script
	acquire       *goredis.Script
	release       *goredis.Script
	saveSeries    *goredis.Script // funcseries.go
}

func newScripts() scripts {
	return scripts{
		create:        goredis.NewScript(createLua),
		updateVersion: goredis.NewScript(updateVersionLua),
		appendAudit:   goredis.NewScript(appendAuditLua),
		ack:           goredis.NewScript(ackLua),
		acquire:       goredis.NewScript(acquireLua),
		release:       goredis.NewScript(releaseLua),
		saveSeries:    goredis.NewScript(saveSeriesLua),
	}
}

// createLua stores a record under the next id of its kind, unless its
// fingerprint is already taken.
//
//	KEYS[1] id counter, KEYS[2] id index (zset), KEYS[3] fingerprint key or ""
//	ARGV[1] record key prefix, ARGV[2] kind letter, ARGV[3] record JSON
//	whose first member is "id":""
//
// It returns {1, id} when it created the record, {0, id, json} when the
// fingerprint belonged to the record id.
const createLua = `
if KEYS[3] ~= "" then
  local existing = redis.call('GET', KEYS[3])
  if existing then
    return {0, existing, redis.call('GET', ARGV[1] .. existing)}
  end
end
local body = ARGV[3]
if string.sub(body, 1, 8) ~= '{"id":""' then
  return redis.error_reply('record JSON does not start with an empty id')
end
local n = redis.call('INCR', KEYS[1])
local id = ARGV[2] .. '-' .. n
redis.call('SET', ARGV[1] .. id, '{"id":"' .. id .. '"' .. string.sub(body, 9))
redis.call('ZADD', KEYS[2], n, id)
if KEYS[3] ~= "" then
  redis.call('SET', KEYS[3], id)
end
return {1, id}
`

// updateVersionLua replaces a record whose "version" member equals the
// expected one; a record without one (stored before its kind had
// versions) is at version 0.
//
//	KEYS[1] record key; ARGV[1] new JSON, ARGV[2] expected version
//
// It returns 1 when it replaced the record, -1 when there is none, and the
// stored version (>= 0) as a negative number minus 2 when it differs.
const updateVersionLua = `
local cur = redis.call('GET', KEYS[1])
if not cur then return -1 end
local v = tonumber(cjson.decode(cur)['version']) or 0
if v ~= tonumber(ARGV[2]) then return -2 - v end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`

// appendAuditLua appends an audit event.
//
//	KEYS[1] sequence counter, KEYS[2] events hash, KEYS[3] all-events zset,
//	KEYS[4] (optional) the record's zset; ARGV[1] event JSON
//
// It returns the event's sequence number.
const appendAuditLua = `
local n = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], n, ARGV[1])
redis.call('ZADD', KEYS[3], n, n)
if KEYS[4] then redis.call('ZADD', KEYS[4], n, n) end
return n
`

// ackLua acknowledges a pending job and deletes it from the stream; a job
// that is not pending is left alone.
//
//	KEYS[1] stream; ARGV[1] group, ARGV[2] job id
const ackLua = `
local n = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if n == 1 then redis.call('XDEL', KEYS[1], ARGV[2]) end
return n
`

// acquireLua takes a free lease or renews one the owner holds.
//
//	KEYS[1] lease key; ARGV[1] owner, ARGV[2] ttl in milliseconds
const acquireLua = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if cur then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`

// releaseLua deletes a lease if the owner holds it.
//
//	KEYS[1] lease key; ARGV[1] owner
const releaseLua = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`
