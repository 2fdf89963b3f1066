-- SealTalk GET /friendship/all, each request as one of the N users bench/sealtalk_login.py
-- logged in (the seeded users u00000 … u{N-1}), rotating over them like friend_get.lua, each
-- thread from its own starting point. The Cookie header is the user's login cookie
-- (rong_auth_cookie=…), as a SealTalk app sends it. The app of the run enables [apps.sealtalk]
-- beside [apps.netease], so the lists seeded through NetEase are the ones read here: FRIENDS
-- rows of status 20 each.
-- Args: IDFILE - - - USERS FRIENDS, IDFILE holding `<index> <id> <cookie value>` lines.
-- Every answer must be HTTP 200, start with {"code":200,"result":[ and hold exactly FRIENDS
-- occurrences of "status":20, (plain finds, as yuntongxun_get_friends.lua: wrk shares the two
-- cores with the server). bench/run.sh runs it before any write phase.
dofile(os.getenv("FG_BENCH_DIR") .. "/common.lua")

local requests, count, friends, n

function init(args)
  requests = {}
  for line in io.lines(args[1]) do
    local cookie = string.match(line, "^%d+ %w+ (%S+)$")
    if not cookie then error("sealtalk_all: bad line in " .. args[1] .. ": " .. line) end
    -- A GET with no body: the whole request is fixed per user, made once here.
    table.insert(requests, wrk.format("GET", "/friendship/all",
                                      {["Cookie"] = "rong_auth_cookie=" .. cookie,
                                       ["Accept"] = "application/json"}))
  end
  count = #requests
  if count == 0 then error("sealtalk_all: no users in " .. args[1]) end
  friends = tonumber(args[6])
  n = tid * 7919
end

function request()
  n = n + 1
  return requests[n % count + 1]
end

local head = '{"code":200,"result":['
local needle = '"status":20,'

function check(status, body)
  if status ~= 200 then return "status" end
  if string.sub(body, 1, #head) ~= head then return "head" end
  local rows, at = 0, #head
  while true do
    at = string.find(body, needle, at, true)
    if not at then break end
    rows = rows + 1
    at = at + #needle
  end
  if rows ~= friends then return "status 20 rows" end
end
