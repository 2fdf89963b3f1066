-- friend/get.action, full list (updatetime=0), for every user in turn: u00000, u00001, … and
-- around again, as a server that has just started sees its clients come back one after another.
-- bench/scale.sh's walk phase, which fills the caches before its steady-state random phase.
-- Args: AppKey Nonce CurTime CheckSum USERS FRIENDS THREADS: each of the THREADS wrk threads
-- starts at its own part of the set (thread k at u = k * floor(USERS / THREADS)).
-- Every answer must be as in friend_get_random.lua (whose check() this uses).
dofile(os.getenv("FG_BENCH_DIR") .. "/friend_get_random.lua")

local random_init = init
local users, next_user

function init(args)
  random_init(args)
  users = tonumber(args[5])
  next_user = tid * math.floor(users / tonumber(args[7]))
end

function request()
  local u = next_user
  next_user = (next_user + 1) % users
  return wrk.format(nil, "/nimserver/friend/get.action", nil,
                    string.format("accid=u%05d&updatetime=0", u))
end
