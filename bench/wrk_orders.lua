-- wrk script of bench_http_check.py: POSTs order checks cycling through prepared bodies (or GETs
-- the bare endpoint), counts the statuses of the answers, and prints one JSON summary line.
--
--   wrk -t2 -c16 -d30s -s bench/wrk_orders.lua URL -- check BODIES_FILE TOKEN
--   wrk -t2 -c16 -d30s -s bench/wrk_orders.lua URL -- get
--
-- In a body, "@NEW@" becomes a number no other request of the run uses: a new PO.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local bodies = {}
local counter = 0
clear, flagged, blocked, other = 0, 0, 0, 0

function init(args)
  mode = args[1] or "get"
  if mode == "check" then
    for line in io.lines(args[2]) do
      bodies[#bodies + 1] = line
    end
    -- Each thread starts at its own place in the list, so they do not send the same orders.
    counter = (id - 1) * math.floor(#bodies / 2)
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer " .. args[3]
  end
end

function request()
  if mode ~= "check" then
    return wrk.format("GET")
  end
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]
  body = body:gsub("@NEW@", id .. "-" .. counter)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if mode ~= "check" then
    return
  end
  local found = status == 200 and body:match('"status":%s*"(%a+)"') or nil
  if found == "clear" then
    clear = clear + 1
  elseif found == "flagged" then
    flagged = flagged + 1
  elseif found == "blocked" then
    blocked = blocked + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local counts = {clear = 0, flagged = 0, blocked = 0, other = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(counts) do
      counts[name] = counts[name] + (thread:get(name) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, '
      .. '"timeout": %d}, "clear": %d, "flagged": %d, "blocked": %d, "other": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout,
    counts.clear, counts.flagged, counts.blocked, counts.other))
end
