-- friend/get.action, full list (updatetime=0), for a user picked at random per request.
-- Args: AppKey Nonce CurTime CheckSum USERS FRIENDS [HOT]
--   without HOT (or HOT 0): any of the USERS users u00000 … (uniform, the whole set: a read of a
--     large graph that no cache can hold);
--   with HOT: one of HOT users spread evenly over the set (u = k * floor(USERS / HOT), k random in
--     0 … HOT-1): a small hot set whose lists the server's caches hold.
-- Each thread seeds its own generator (time and thread id), so threads draw different users.
-- Every answer must be HTTP 200 with {"code":200,"size":FRIENDS,"friends":[... as in
-- friend_get.lua (bench/scale.sh runs it before any write phase). Used by bench/scale.sh.
dofile(os.getenv("FG_BENCH_DIR") .. "/common.lua")

local users, friends, hot, stride

function init(args)
  sign(args)
  users = tonumber(args[5])
  friends = tonumber(args[6])
  hot = tonumber(args[7] or 0)
  if hot > 0 then
    if hot > users then hot = users end
    stride = math.floor(users / hot)
  end
  math.randomseed(os.time() * 1000 + tid * 7919)
  for _ = 1, 10 do math.random() end  -- the first draws after seeding are poorly mixed
end

function request()
  local u
  if hot > 0 then
    u = math.random(0, hot - 1) * stride
  else
    u = math.random(0, users - 1)
  end
  return wrk.format(nil, "/nimserver/friend/get.action", nil,
                    string.format("accid=u%05d&updatetime=0", u))
end

function check(status, body)
  if status ~= 200 then return "status" end
  local size = tonumber(string.match(body, '^{"code":200,"size":(%d+),"friends":%['))
  if size ~= friends then return "body" end
end
