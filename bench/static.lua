-- The ceiling: the same signed POST a friend/get sends (same request size, same client-side Lua
-- work), answered by nginx's `return 200 "ok"`. Args: AppKey Nonce CurTime CheckSum USERS.
dofile(os.getenv("FG_BENCH_DIR") .. "/common.lua")

function init(args)
  sign(args)
  start_rotation(tonumber(args[5]))
end

request = friend_get_request

function check(status, body)
  if status ~= 200 then return "status" end
  if body ~= "ok" then return "body" end
end
