-- The ceiling: the same signed POST a friend/get sends (same request size, same client-side Lua
-- work), answered by nginx's `return 200 "ok"`. Args: AppKey Nonce CurTime CheckSum USERS.
dofile(os.getenv("FG_BENCH_DIR") .. "/common.lua")

local users, n

function init(args)
  sign(args)
  users = tonumber(args[5])
  n = tid * 7919
end

function request()
  n = n + 1
  return wrk.format(nil, "/nimserver/friend/get.action", nil,
                    string.format("accid=u%05d&updatetime=0", n % users))
end

function check(status, body)
  if status ~= 200 then return "status" end
  if body ~= "ok" then return "body" end
end
