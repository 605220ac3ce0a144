-- wrk script for the Holdfast bench (Debian's wrk 4, LuaJIT).
--
--   wrk -t1 -c16 -d10s -s bench/wrk/holdfast.lua http://127.0.0.1:3000 -- intake <key> <skuPrefix> <skuCount> <tag> [hotSku]
--   wrk -t1 -c1  -d10s -s bench/wrk/holdfast.lua http://127.0.0.1:3000 -- atp <key> <skuPrefix> <skuCount> <locations,comma,separated>
--
-- intake: POST /api/orders with 3 lines of distinct random skus (<prefix>-00000 ..), quantity 1, and an externalId
--         unique per run, thread and request (<tag>-<thread>-<n>); with hotSku, every order's first line is that sku.
-- atp:    GET /api/atp?sku=&locationId=&quantity= for a random sku, location and quantity 1-5.
-- When done, one line `WRK_JSON {...}` with the counts, errors and latency percentiles (microseconds).

local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  mode = args[1]
  key = args[2]
  prefix = args[3]
  count = tonumber(args[4])
  counter = 0
  math.randomseed(os.time() * 1000 + (tid or 0))
  wrk.headers["Authorization"] = "Bearer " .. key
  if mode == "intake" then
    tag = args[5]
    hot = args[6]
    if hot == "" then hot = nil end
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  else
    locations = {}
    for l in string.gmatch(args[5], "[^,]+") do table.insert(locations, l) end
    wrk.method = "GET"
  end
end

local function sku(i)
  return string.format("%s-%05d", prefix, i)
end

local function three_skus()
  local a = math.random(0, count - 1)
  local b = math.random(0, count - 1)
  while b == a do b = math.random(0, count - 1) end
  local c = math.random(0, count - 1)
  while c == a or c == b do c = math.random(0, count - 1) end
  local first = hot or sku(a)
  local second, third = sku(b), sku(c)
  if hot then
    while second == hot do second = sku(math.random(0, count - 1)) end
    while third == hot or third == second do third = sku(math.random(0, count - 1)) end
  end
  return first, second, third
end

function request()
  counter = counter + 1
  if mode == "intake" then
    local a, b, c = three_skus()
    local body = string.format(
      '{"externalId":"%s-%d-%d","lines":[{"sku":"%s","quantity":1},{"sku":"%s","quantity":1},{"sku":"%s","quantity":1}]}',
      tag, tid or 0, counter, a, b, c)
    return wrk.format(nil, "/api/orders", nil, body)
  end
  local path = string.format("/api/atp?sku=%s&locationId=%s&quantity=%d",
    sku(math.random(0, count - 1)), locations[math.random(1, #locations)], math.random(1, 5))
  return wrk.format(nil, path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
