-- Yuntongxun getFriends, the whole list in one page, rotating over all seeded users like
-- friend_get.lua: POST /2013-12-26/Application/{appId}/IM/getFriends?sig=… with the JSON body
-- {"useracc":"{appId}#u01234","isAllPage":1} (the whole list, no paging). The app of the run
-- enables [apps.yuntongxun] beside [apps.netease], so the lists seeded through NetEase are the
-- ones read here. One signature serves the whole phase (the vendor's scheme accepts a timestamp
-- within 24 h; bench/run.sh signs just before the phase).
-- Args: AUTHORIZATION SIG APPID - USERS FRIENDS.
-- Every answer must be HTTP 200, start with {"statusCode":"000000","statusMsg":"success",
-- "timestamp":"…","friendsList":[ and hold FRIENDS entries "appId#u…" (one pattern pass per answer,
-- as easemob_contacts.lua does: wrk shares the two cores with the server).
dofile(os.getenv("FG_BENCH_DIR") .. "/common.lua")

local path, app_id, needle, users, friends, n

function init(args)
  wrk.method = "POST"
  wrk.headers["Accept"] = "application/json"
  wrk.headers["Content-Type"] = "application/json;charset=utf-8"
  wrk.headers["Authorization"] = args[1]
  app_id = args[3]
  needle = '"useracc":"' .. app_id .. '#u'
  path = "/2013-12-26/Application/" .. app_id .. "/IM/getFriends?sig=" .. args[2]
  users = tonumber(args[5])
  friends = tonumber(args[6])
  n = tid * 7919
end

function request()
  n = n + 1
  return wrk.format(nil, path, nil,
                    string.format('{"useracc":"%s#u%05d","isAllPage":1}', app_id, n % users))
end

local head = '^{"statusCode":"000000","statusMsg":"success","timestamp":"%d%d%d%d%-%d%d%-%d%d ' ..
             '%d%d:%d%d:%d%d%.%d%d%d","friendsList":%['

function check(status, body)
  if status ~= 200 then return "status" end
  if not string.find(body, head) then return "head" end
  -- Plain finds (no pattern matching): the check must not cost wrk more than the answer costs us.
  local named, at = 0, 1
  while true do
    at = string.find(body, needle, at, true)
    if not at then break end
    named = named + 1
    at = at + #needle
  end
  if named ~= friends then return "useracc" end
end
