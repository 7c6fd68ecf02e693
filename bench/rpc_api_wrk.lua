-- wrk script for bench/rpc_api_bench.sh: POSTs JSON-RPC execute_kw bodies to
-- /jsonrpc over kept-alive HTTPS, the same calls ../shared/bench/rpc_bench.py
-- makes (its op_read, op_get, op_write and op_count), so the two clients'
-- figures measure the same server work and differ only by the client's cost.
--
-- wrk -s bench/rpc_api_wrk.lua URL -- WORKLOAD DB UID PASSWORD MIN_ID MAX_ID MAX_OFFSET
--   WORKLOAD: search_read | read | create | search_count, or version
--   (common.version: no database, no credentials, the floor of HTTPS + JSON-RPC)
-- done() prints one JSON line (prefix "WRK_RESULT ") for the bench script.
-- A JSON-RPC error comes with HTTP 200, so response() looks for it in the
-- body: wrk alone would count it as a success.

-- rpc_bench.py's SYL and CITIES, in the same order.
local SYL = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "be", "do", "fu", "ge", "hi", "jo",
             "ly", "pe", "qu", "zo", "xe", "wi", "an", "el", "or", "us", "im"}
local CITIES = {"Brussels", "Paris", "Berlin", "Madrid", "Lisbon", "Rome", "Vienna", "Oslo",
                "Dublin", "Prague", "Warsaw", "Athens", "Helsinki", "Zurich", "Ghent", "Lyon",
                "Porto", "Turin", "Bern", "Riga"}

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
  table.insert(threads, thread)
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

local function pick(list) return list[math.random(#list)] end

local function syllables(lo, hi)
  local t = {}
  for _ = 1, math.random(lo, hi) do t[#t + 1] = pick(SYL) end
  local s = table.concat(t)
  return s:sub(1, 1):upper() .. s:sub(2)
end

local workload, prefix, min_id, max_id, max_offset
local serial = 0
errors = 0  -- global: read by done() through thread:get

function init(args)
  workload = args[1]
  local db, uid, password = args[2], args[3], args[4]
  min_id, max_id, max_offset = tonumber(args[5]), tonumber(args[6]), tonumber(args[7])
  math.randomseed(os.time() * 100 + (thread_index or 0))
  prefix = '{"jsonrpc":"2.0","method":"call","id":1,"params":{"service":"object","method":"execute_kw",'
      .. '"args":[' .. json_string(db) .. ',' .. uid .. ',' .. json_string(password)
      .. ',"res.partner",'
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  local known = {search_read = true, read = true, create = true, search_count = true, version = true}
  if not known[workload] then error("unknown workload " .. tostring(workload)) end
end

-- One body per request, drawn as rpc_bench draws its arguments.
local function body()
  if workload == "search_read" then
    return '"search_read",[[["name","ilike","a"]]],{"fields":["name","email","phone","city"],'
        .. '"limit":80,"offset":' .. math.random(0, max_offset) .. '}]}}'
  elseif workload == "read" then
    return '"read",[[' .. math.random(min_id, max_id) .. ']],'
        .. '{"fields":["name","email","phone","city","write_date"]}]}}'
  elseif workload == "create" then
    serial = serial + 1
    local first, last = syllables(2, 3), syllables(2, 4)
    local values = string.format(
        '{"name":%s,"email":%s,"phone":"+32 4%02d %02d %02d %02d","city":%s}',
        json_string(first .. " " .. last),
        json_string(string.format("%s.%s.wrk%d_%d@example.com", first:lower(), last:lower(),
                                  thread_index or 0, serial)),
        math.random(0, 99), math.random(0, 99), math.random(0, 99), math.random(0, 99),
        json_string(pick(CITIES)))
    return '"create",[' .. values .. ']]}}'
  else
    return '"search_count",[[["city","=",' .. json_string(pick(CITIES)) .. '],'
        .. '["name","ilike",' .. json_string(pick(SYL)) .. ']]]]}}'
  end
end

local version_body = '{"jsonrpc":"2.0","method":"call","id":1,'
    .. '"params":{"service":"common","method":"version","args":[]}}'

function request()
  if workload == "version" then return wrk.format(nil, nil, nil, version_body) end
  return wrk.format(nil, nil, nil, prefix .. body())
end

function response(status, headers, response_body)
  if status ~= 200 or response_body:find('"error":{', 1, true) then errors = errors + 1 end
end

function done(summary, latency, requests)
  local rpc_errors = 0
  for _, thread in ipairs(threads) do rpc_errors = rpc_errors + (thread:get("errors") or 0) end
  local e = summary.errors
  io.write(string.format(
      'WRK_RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,'
          .. '"rpc_errors":%d,"socket_errors":%d}\n',
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, rpc_errors,
      e.connect + e.read + e.write + e.timeout))
end
