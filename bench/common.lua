-- Shared by the bench/*.lua wrk scripts (loaded with dofile; FG_BENCH_DIR names this directory).
--
-- Each script defines check(status, body) -> nil when the answer is right, else a short reason.
-- response() counts every answer and every wrong one per thread; done() sums them over the
-- threads and prints one machine-readable BENCH line that bench/run.sh parses:
--   BENCH requests=… rps=… p50_us=… p99_us=… checked=… bad_status=… bad_body=… socket_errors=…
-- so a run that produced errors can never be mistaken for a fast success.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

-- Per-thread counters (globals, so done() can read them with thread:get).
checked = 0
bad_status = 0
bad_body = 0
first_bad = ""

function response(status, headers, body)
  checked = checked + 1
  local why = check(status, body)
  if why then
    if status ~= 200 then bad_status = bad_status + 1 else bad_body = bad_body + 1 end
    if first_bad == "" then
      first_bad = string.format("%s: HTTP %d %s", why, status, string.sub(body or "", 1, 160))
    end
  end
end

-- The signed NetEase headers and the form content type; args are AppKey Nonce CurTime CheckSum.
function sign(args)
  wrk.method = "POST"
  wrk.headers["AppKey"] = args[1]
  wrk.headers["Nonce"] = args[2]
  wrk.headers["CurTime"] = args[3]
  wrk.headers["CheckSum"] = args[4]
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded;charset=utf-8"
end

function done(summary, latency, requests)
  local c, bs, bb, first = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    c = c + t:get("checked")
    bs = bs + t:get("bad_status")
    bb = bb + t:get("bad_body")
    if first == "" then first = t:get("first_bad") end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d" ..
    " checked=%d bad_status=%d bad_body=%d socket_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    c, bs, bb, socket_errors, e.timeout))
  if first ~= "" then io.write("BENCH_FIRST_BAD " .. first .. "\n") end
end

-- The friend/get.action request for a whole list, rotating over the seeded users u00000…, each
-- thread from its own starting point. Both the nginx ceiling and the friend/get phase send it.
local rotation_users, rotation_n

function start_rotation(users)
  rotation_users = users
  rotation_n = tid * 7919
end

function friend_get_request()
  rotation_n = rotation_n + 1
  return wrk.format(nil, "/nimserver/friend/get.action", nil,
                    string.format("accid=u%05d&updatetime=0", rotation_n % rotation_users))
end
