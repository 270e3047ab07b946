/**
 * The Lua scripts of the Redis store (`redis-store.ts` says how they were shaped): each checks and
 * records a decision in one round trip, atomically, on Redis's own clock.
 */
/** Both scripts start with Redis's clock: `now` in µs, and `stamp`, the same as 16 digits. */
const NOW = `local t = redis.call('TIME')
-- 16 digits: 10 of seconds (enough until 2286) and 6 of microseconds.
local stamp = t[1] .. string.sub('00000' .. t[2], -6)
local now = tonumber(stamp)
`;

export const SCRIPT = `
${NOW}local window = tonumber(ARGV[3])
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]) }
local small = tonumber(ARGV[5])
-- With a tolerance, N + 1 fit in the window and N after the narrow edge (store.ts).
local tol = tonumber(ARGV[7])
local extra = 0
if tol > 0 then extra = 1 end
local nedge = now - window + tol
-- A key of a small limit is a string of its admissions in the window (at most the limit and one:
-- older ones can never matter), oldest first, each 16 decimal digits of µs; a key of a large limit, a
-- sorted set.
local W = 16
local function at(s, j) return tonumber(string.sub(s, (j - 1) * W + 1, j * W)) end
local stored = redis.call('MGET', KEYS[1], KEYS[2])
local counts, waits, oldest, firsts, used = { 0, 0 }, { 0, 0 }, { 0, 0 }, { 1, 1 }, { 0, 0 }
for i = 1, 2 do
  local limit = limits[i]
  if limit > 0 then
    if limit <= small then
      local s = stored[i] or ''
      local n = #s / W
      local first = n + 1
      for j = 1, n do
        if at(s, j) > now - window then
          first = j
          break
        end
      end
      firsts[i] = first
      counts[i] = n - first + 1
      used[i] = counts[i]
      if counts[i] > 0 then oldest[i] = at(s, first) end
      -- Room comes when the cap-th newest admission leaves the window (or the narrow window).
      local cap = limit + extra
      if counts[i] >= cap then waits[i] = at(s, n - cap + 1) + window - now end
      if extra == 1 then
        if counts[i] >= limit then
          local narrow = at(s, n - limit + 1) - nedge
          if narrow > waits[i] then waits[i] = narrow end
        end
        used[i] = 0
        for j = first, n do
          if at(s, j) > nedge then
            used[i] = n - j + 1
            break
          end
        end
      end
    else
      redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', string.format('%d', now - window))
      local n = redis.call('ZCARD', KEYS[i])
      counts[i] = n
      used[i] = n
      if n > 0 then oldest[i] = tonumber(redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')[2]) end
      local cap = limit + extra
      if n >= cap then
        waits[i] = tonumber(redis.call('ZRANGE', KEYS[i], n - cap, n - cap, 'WITHSCORES')[2]) + window - now
      end
      if extra == 1 then
        if n >= limit then
          local narrow = tonumber(redis.call('ZRANGE', KEYS[i], n - limit, n - limit, 'WITHSCORES')[2]) - nedge
          if narrow > waits[i] then waits[i] = narrow end
        end
        used[i] = redis.call('ZCOUNT', KEYS[i], '(' .. string.format('%d', nedge), '+inf')
      end
    end
  end
end
local allowed = 0
if waits[1] == 0 and waits[2] == 0 then
  allowed = 1
  local ttl = ARGV[6]
  for i = 1, 2 do
    local limit = limits[i]
    if limit > 0 then
      if counts[i] == 0 then oldest[i] = now end
      counts[i] = counts[i] + 1
      used[i] = used[i] + 1
      if limit <= small then
        -- Admitted means room in the window: keep them all, add this one.
        local s = stored[i] or ''
        redis.call('SET', KEYS[i], string.sub(s, (firsts[i] - 1) * W + 1) .. stamp, 'PX', ttl)
      else
        redis.call('ZADD', KEYS[i], stamp, stamp .. ':' .. ARGV[4])
        redis.call('PEXPIRE', KEYS[i], ttl)
      end
    end
  end
end
-- When a limit is full, the time until its oldest admission leaves (for the RateLimit field).
local resets = { 0, 0 }
for i = 1, 2 do
  if limits[i] > 0 and counts[i] >= limits[i] then resets[i] = oldest[i] + window - now end
end
return table.concat({ allowed, waits[1], waits[2], used[1], used[2], resets[1], resets[2], stamp }, ' ')
`;

/** Limits up to this keep their log as one small array; larger ones as a sorted set. */
export const SMALL_LIMIT = 64;
/** Characters of a credential's tag in the shared log (base64url of its key's SHA-256: 72 bits). */
export const TAG_WIDTH = 12;

/**
 * The usual case in one key: when the workspace has a small limit, its log of admissions (each with a
 * tag of its credential) holds every admission of the window, since there are never more than the
 * limit and one; so it also answers for each credential. One GET and one SET instead of MGET and two SETs.
 */
export const SHARED_SCRIPT = `
${NOW}local climit = tonumber(ARGV[1])
local wlimit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local tag = ARGV[4]
local sub = string.sub
-- Entries of 16 digits of µs and the credential's tag, oldest first.
local E = 16 + #tag
local s = redis.call('GET', KEYS[1]) or ''
local n = #s / E
-- Entries at or before the edge have left the window.
local edge = now - window
-- With a tolerance, N + 1 fit in the window and N after the narrow edge (store.ts).
local tol = tonumber(ARGV[6])
local extra, nedge = 0, edge
if tol > 0 then extra, nedge = 1, edge + tol end
local first = n + 1
for j = 1, n do
  if tonumber(sub(s, (j - 1) * E + 1, (j - 1) * E + 16)) > edge then
    first = j
    break
  end
end
local wcount = n - first + 1
-- The credential's admissions in the window: how many, the oldest, and where each stands.
local ccount, coldest = 0, now
local found = {}
if climit > 0 then
  -- Where the tag stands at a tag's place (character 16 + (j - 1) * E + 1 of entry j).
  local from = (first - 1) * E + 17
  while true do
    local at = string.find(s, tag, from, true)
    if not at then break end
    if (at - 17) % E == 0 then
      ccount = ccount + 1
      found[ccount] = at
    end
    from = at + 1
  end
  if ccount > 0 then coldest = tonumber(sub(s, found[1] - 16, found[1] - 1)) end
end
-- Room comes when the cap-th newest admission leaves the window (or the narrow window).
local wwait, cwait = 0, 0
local wcap = wlimit + extra
if wcount >= wcap then wwait = tonumber(sub(s, (n - wcap) * E + 1, (n - wcap) * E + 16)) - edge end
local ccap = climit + extra
if climit > 0 and ccount >= ccap then
  local at = found[ccount - ccap + 1]
  cwait = tonumber(sub(s, at - 16, at - 1)) - edge
end
if extra == 1 then
  if wcount >= wlimit then
    local narrow = tonumber(sub(s, (n - wlimit) * E + 1, (n - wlimit) * E + 16)) - nedge
    if narrow > wwait then wwait = narrow end
  end
  if climit > 0 and ccount >= climit then
    local at = found[ccount - climit + 1]
    local narrow = tonumber(sub(s, at - 16, at - 1)) - nedge
    if narrow > cwait then cwait = narrow end
  end
end
local woldest = now
if wcount > 0 then woldest = tonumber(sub(s, (first - 1) * E + 1, (first - 1) * E + 16)) end
local allowed = '0'
if wwait == 0 and cwait == 0 then
  allowed = '1'
  -- Admitted means room in the window: keep them all, add this one.
  redis.call('SET', KEYS[1], sub(s, (first - 1) * E + 1) .. stamp .. tag, 'PX', ARGV[5])
  wcount = wcount + 1
  ccount = ccount + 1
end
-- The room left is counted after the narrow edge.
local wused, cused = wcount, ccount
if extra == 1 then
  wused, cused = 0, 0
  for j = first, n do
    if tonumber(sub(s, (j - 1) * E + 1, (j - 1) * E + 16)) > nedge then
      wused = n - j + 1
      break
    end
  end
  for k = 1, #found do
    if tonumber(sub(s, found[k] - 16, found[k] - 1)) > nedge then
      cused = #found - k + 1
      break
    end
  end
  if allowed == '1' then
    wused = wused + 1
    cused = cused + 1
  end
end
local creset, wreset = 0, 0
if climit > 0 and ccount >= climit then creset = coldest - edge end
if wcount >= wlimit then wreset = woldest - edge end
-- Zeros, the usual values, as literals: a number costs a conversion to text.
if cwait == 0 then cwait = '0' end
if wwait == 0 then wwait = '0' end
if creset == 0 then creset = '0' end
if wreset == 0 then wreset = '0' end
return allowed .. ' ' .. cwait .. ' ' .. wwait .. ' ' .. cused .. ' ' .. wused .. ' ' .. creset .. ' ' .. wreset .. ' ' .. stamp
`;
