-- Durable writes: friend/add.action type=1 and friend/delete.action, alternating on pairs that
-- are not friends in the seeded graph, so every request really changes the graph:
-- add makes both edges alive, delete tombstones accid's edge, the next add revives it.
-- Args: AppKey Nonce CurTime CheckSum USERS FRIENDS [OFFSET [ORDER]].
--
-- Thread t owns the USERS pairs (a, a + 100 + OFFSET + t): disjoint across threads, never seeded
-- friends (seed.py befriends users at most FRIENDS/2 apart), and fresh for each run when OFFSET
-- grows by the thread count per run (bench/run.sh does). The pairs are visited round-robin, so a
-- pair comes back only after USERS - 1 other requests of the thread: its previous request has
-- long been answered (a thread has at most connections/threads in flight), and adds and deletes
-- of one pair never race. ORDER "random" visits them in an order shuffled per thread (still each
-- once per round): writes to users spread over the whole set, whose rows a large graph does not
-- keep in memory (bench/scale.sh); otherwise (the default) by a, so that consecutive writes touch
-- neighbouring users. Every answer must be exactly {"code":200}.
dofile(os.getenv("FG_BENCH_DIR") .. "/common.lua")

local owner, peer, friends_now, order, i, count, verifying

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
  order = {}
  for k = 1, count do order[k] = k end
  if args[8] == "random" then
    math.randomseed(os.time() * 1000 + tid * 7919)
    for k = count, 2, -1 do  -- Fisher-Yates
      local j = math.random(1, k)
      order[k], order[j] = order[j], order[k]
    end
  elseif args[8] ~= nil and args[8] ~= "sequential" then
    error("write_mix: ORDER must be random or sequential")
  end
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
  local p = order[i]
  local body = "accid=" .. owner[p] .. "&faccid=" .. peer[p]
  if friends_now[p] then
    friends_now[p] = false
    return wrk.format(nil, "/nimserver/friend/delete.action", nil, body)
  end
  friends_now[p] = true
  return wrk.format(nil, "/nimserver/friend/add.action", nil, body .. "&type=1")
end

function check(status, body)
  if status ~= 200 then return "status" end
  if body ~= '{"code":200}' then return "body" end
end
