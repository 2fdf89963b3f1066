-- friend/get.action, full list (updatetime=0), rotating over all seeded users.
-- Args: AppKey Nonce CurTime CheckSum USERS FRIENDS (a signature is valid for 5 minutes).
-- Every answer must be HTTP 200 with {"code":200,"size":FRIENDS,"friends":[... (bench/run.sh
-- runs it before any write phase; write_mix.lua leaves users with a few more friends).
dofile(os.getenv("FG_BENCH_DIR") .. "/common.lua")

local friends

function init(args)
  sign(args)
  start_rotation(tonumber(args[5]))
  friends = tonumber(args[6])
end

request = friend_get_request

function check(status, body)
  if status ~= 200 then return "status" end
  local size = tonumber(string.match(body, '^{"code":200,"size":(%d+),"friends":%['))
  if size ~= friends then return "body" end
end
