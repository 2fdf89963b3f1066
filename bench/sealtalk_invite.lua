-- SealTalk friendship writes: a full friendship cycle between two of the users that
-- bench/sealtalk_login.py logged in, four requests in order, each sent only once the one before
-- was answered:
--   1. a invites b   POST /friendship/invite {"friendId":b,"message":"hi"} -> action "Sent"
--   2. b agrees      POST /friendship/agree  {"friendId":a}                -> action "Added"
--   3. a deletes b   POST /friendship/delete {"friendId":b}                -> {"code":200}
--   4. b deletes a   POST /friendship/delete {"friendId":a}                -> {"code":200}
-- after which neither has the other (both rows 30) and the pair can go round again.
-- Args: IDFILE - - - USERS FRIENDS OFFSET, IDFILE holding `<index> <id> <cookie value>` lines.
--
-- Run it with ONE CONNECTION PER wrk THREAD (wrk -t N -c N; bench/run.sh does). wrk calls
-- response() without saying which connection answered, and calls request() for that connection
-- only later, after other connections' answers; with one connection a thread has exactly one
-- request outstanding, so each answer is known to be the step that thread sent last. The
-- thread's queue `ready` holds the next step of the pair just answered (queued in check(),
-- which response() calls, and popped by request()); when it is empty request() starts the next
-- idle pair of the thread. Any other number of connections per thread shows as wrong answers.
--
-- Pairs: (a, b) with b = a + d, d = FRIENDS/2 + 1 + k (k >= 0), both among the N logged-in users:
-- seed.py befriends users at most FRIENDS/2 apart (mod USERS), so no pair starts as friends;
-- d < 100 keeps clear of write_mix.lua's pairs (100 apart and more) and d < USERS - FRIENDS/2 of
-- the seeded pairs that wrap around. The pairs, ordered by d then a, are cut in blocks of
-- PER_THREAD; thread tid takes block OFFSET + tid, so threads never share a pair, and a round
-- with OFFSET grown by the thread count (bench/run.sh does) never meets a pair the previous round
-- left half-way through its cycle. Every answer is checked exactly (status and body); a pair
-- that answers wrongly, or whose answer is lost to a socket error, is dropped from the thread.
dofile(os.getenv("FG_BENCH_DIR") .. "/common.lua")

local PER_THREAD = 8
local JSON = "application/json"

local ids, cookies = {}, {}
local pairs_of_thread  -- [i] = { the four request strings }
local idle, idle_head, idle_tail  -- pairs waiting to start a cycle (indices into pairs_of_thread)
local ready, ready_head, ready_tail  -- {pair, step} whose previous step was answered
local outstanding  -- {pair, step} sent and not answered yet
local verifying
local exhausted  -- a read sent when the thread has no pair left, answered as wrong

local expected = {
  '{"code":200,"result":{"action":"Sent"}}',
  '{"code":200,"result":{"action":"Added"}}',
  '{"code":200}',
  '{"code":200}',
}
local step_name = {"invite", "agree", "delete a-b", "delete b-a"}

local function post(path, cookie, body)
  return wrk.format("POST", path, {["Cookie"] = "rong_auth_cookie=" .. cookie,
                                   ["Content-Type"] = JSON, ["Accept"] = JSON}, body)
end

local function cycle(a, b)
  return {
    post("/friendship/invite", cookies[a], '{"friendId":"' .. ids[b] .. '","message":"hi"}'),
    post("/friendship/agree", cookies[b], '{"friendId":"' .. ids[a] .. '"}'),
    post("/friendship/delete", cookies[a], '{"friendId":"' .. ids[b] .. '"}'),
    post("/friendship/delete", cookies[b], '{"friendId":"' .. ids[a] .. '"}'),
  }
end

function init(args)
  local n = 0  -- users 0 … n-1, the file's lines in index order
  for line in io.lines(args[1]) do
    local i, id, cookie = string.match(line, "^(%d+) (%w+) (%S+)$")
    if tonumber(i) ~= n then error("sealtalk_invite: bad line in " .. args[1] .. ": " .. line) end
    ids[n], cookies[n] = id, cookie
    n = n + 1
  end
  local users, half = tonumber(args[5]), tonumber(args[6]) / 2
  local first = (tonumber(args[7] or 0) + tid) * PER_THREAD  -- this thread's block
  pairs_of_thread = {}
  local index = 0
  for d = half + 1, math.min(99, users - half - 1) do
    for a = 0, n - 1 - d do
      if index >= first + PER_THREAD then break end
      if index >= first then table.insert(pairs_of_thread, cycle(a, a + d)) end
      index = index + 1
    end
  end
  if #pairs_of_thread < PER_THREAD then
    error("sealtalk_invite: too many threads or rounds, or too few logged-in users, " ..
          "for fresh unseeded pairs")
  end
  idle, idle_head, idle_tail = {}, 1, 0
  for p = 1, #pairs_of_thread do
    idle_tail = idle_tail + 1
    idle[idle_tail] = p
  end
  ready, ready_head, ready_tail = {}, 1, 0
  exhausted = {0, 0, wrk.format("GET", "/friendship/all",
                                {["Cookie"] = "rong_auth_cookie=" .. cookies[0]})}
  -- wrk (4.x) calls thread 0's request() once at startup to check the script and never sends
  -- that request: answer that call without touching the pairs.
  verifying = tid == 0
end

function request()
  if verifying then
    verifying = false
    return pairs_of_thread[1][1]
  end
  -- A step still outstanding: its answer was lost (a socket error, which wrk counts, then a
  -- reconnect) or this thread has more than one connection. Its pair's state is unknown: drop it.
  outstanding = nil
  local send
  if ready_head <= ready_tail then
    send = ready[ready_head]
    ready[ready_head] = nil
    ready_head = ready_head + 1
  else
    if idle_head > idle_tail then  -- every pair dropped: keep the connection busy, fail the run
      outstanding = exhausted
      return exhausted[3]
    end
    send = {idle[idle_head], 1}
    idle[idle_head] = nil
    idle_head = idle_head + 1
  end
  outstanding = send
  return pairs_of_thread[send[1]][send[2]]
end

function check(status, body)
  local sent = outstanding
  outstanding = nil
  if not sent then return "an answer with no request outstanding (one connection per thread?)" end
  if sent == exhausted then return "every pair of the thread answered wrongly or was lost" end
  local pair, step = sent[1], sent[2]
  if status ~= 200 then return step_name[step] .. ": status" end
  if body ~= expected[step] then return step_name[step] .. ": body" end
  if step < 4 then
    ready_tail = ready_tail + 1
    ready[ready_tail] = {pair, step + 1}
  else
    idle_tail = idle_tail + 1
    idle[idle_tail] = pair
  end
end
