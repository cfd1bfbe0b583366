-- wrk script of benchmarks/bench_rush.py: each request posts a new comment from an
-- address and e-mail of its own (no rate limit applies), with the CSRF cookie and token
-- read once by the benchmark (RUSH_COOKIE, RUSH_TOKEN). Each wrk thread writes the
-- tracking numbers it was given to RUSH_OUT.<thread>, one per line.
local cookie = os.getenv("RUSH_COOKIE")
local token = os.getenv("RUSH_TOKEN")
local out_prefix = os.getenv("RUSH_OUT")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  out = io.open(out_prefix .. "." .. id, "w")
  acked, refused = 0, 0
end

local function key()
  return string.format("%08x%08x%08x%08x", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff),
    math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
end

function request()
  counter = counter + 1
  local n = counter
  local address = string.format("10.%d.%d.%d", id % 250, math.floor(n / 250) % 250, n % 250)
  local body = "csrf_token=" .. token .. "&submission_key=" .. key() ..
    "&position=pertanyaan&category=pekerja-informal" ..
    "&body=Komentar+rush+" .. id .. "-" .. n .. "+tentang+iuran+nelayan." ..
    "&email=rush" .. id .. "-" .. n .. "-" .. key():sub(1, 8) .. "%40contoh.id"
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["X-Forwarded-For"] = address,
  }, body)
end

function response(status, headers, body)
  if status == 303 then
    local location = headers["Location"] or headers["location"] or ""
    local number = location:match("([^/?]+)%?") or location:match("([^/]+)$")
    out:write(number, "\n")
    out:flush()
    acked = acked + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local acknowledged, other = 0, 0
  for _, thread in ipairs(threads) do
    acknowledged = acknowledged + thread:get("acked")
    other = other + thread:get("refused")
  end
  -- "status" counts every answer but the 303 of an acknowledged comment.
  io.write(string.format(
    "WRKJSON {\"requests\": %d, \"duration_us\": %d, \"bytes\": %d, \"connect\": %d, "
    .. "\"read\": %d, \"write\": %d, \"status\": %d, \"timeout\": %d, \"p50_us\": %d, "
    .. "\"p95_us\": %d, \"p99_us\": %d, \"max_us\": %d, \"acknowledged\": %d}\n",
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, other, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, acknowledged))
end
