-- Durable writes: friend/add.action type=1 and friend/delete.action, alternating on pairs that
-- are not friends in the seeded graph, so every request really changes the graph:
-- add makes both edges alive, delete tombstones accid's edge, the next add revives it.
-- Args: AppKey Nonce CurTime CheckSum USERS FRIENDS [OFFSET].
--
-- Thread t owns the USERS pairs (a, a + 100 + OFFSET + t): disjoint across threads, never seeded
-- friends (seed.py befriends users at most FRIENDS/2 apart), and fresh for each run when OFFSET
-- grows by the thread count per run (bench/run.sh does). The pairs are visited round-robin, so a
-- pair comes back only after USERS - 1 other requests of the thread: its previous request has
-- long been answered (a thread has at most connections/threads in flight), and adds and deletes
-- of one pair never race. Every answer must be exactly {"code":200}.
dofile(os.getenv("FG_BENCH_DIR") .. "/common.lua")

local owner, peer, friends_now, i, count, verifying

function init(args)
  sign(args)
  local users = tonumber(args[5])
  local half = tonumber(args[6]) / 2
  local distance = 100 + tonumber(args[7] or 0) + tid
  if distance <= half or 2 * distance >= users then
    error("write_mix: too many threads or runs, or too few users, for fresh unseeded pairs")
  end
  owner, peer, friends_now = {}, {}, {}
  for a = 0, users - 1 do
    owner[a + 1] = string.format("u%05d", a)
    peer[a + 1] = string.format("u%05d", (a + distance) % users)
    friends_now[a + 1] = false
  end
  count = users
  i = 0
  -- wrk (4.x) calls thread 0's request() once at startup to check the script, and never sends
  -- that request. Answer that call without advancing the pairs. Should a wrk version send it
  -- after all, it is an add of a pair the next call adds again: a no-op that still answers 200.
  verifying = tid == 0
end

function request()
  if verifying then
    verifying = false
    return wrk.format(nil, "/nimserver/friend/add.action", nil,
                      "accid=" .. owner[1] .. "&faccid=" .. peer[1] .. "&type=1")
  end
  i = i % count + 1
  local body = "accid=" .. owner[i] .. "&faccid=" .. peer[i]
  if friends_now[i] then
    friends_now[i] = false
    return wrk.format(nil, "/nimserver/friend/delete.action", nil, body)
  end
  friends_now[i] = true
  return wrk.format(nil, "/nimserver/friend/add.action", nil, body .. "&type=1")
end

function check(status, body)
  if status ~= 200 then return "status" end
  if body ~= '{"code":200}' then return "body" end
end
