-- Easemob's paged contacts call, GET /{org}/{app}/user/{username}/contacts?limit=50, rotating
-- over all seeded users like friend/get.lua, with one app token fetched once by bench/run.sh
-- (as an Easemob server SDK caches its token). Args: TOKEN ORG APP - USERS FRIENDS.
-- Every answer must be HTTP 200 with "count":N and N usernames, N = min(FRIENDS, 50), and a
-- "cursor" exactly when FRIENDS > 50 (the first page of a longer list).
dofile(os.getenv("FG_BENCH_DIR") .. "/common.lua")

local base, users, want, want_cursor, n

function init(args)
  wrk.method = "GET"
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  wrk.headers["Accept"] = "application/json"
  base = "/" .. args[2] .. "/" .. args[3] .. "/user/"
  users = tonumber(args[5])
  local friends = tonumber(args[6])
  want = math.min(friends, 50)
  want_cursor = friends > 50
  n = tid * 7919
end

function request()
  n = n + 1
  return wrk.format(nil, string.format("%su%05d/contacts?limit=50", base, n % users))
end

function check(status, body)
  if status ~= 200 then return "status" end
  if tonumber(string.match(body, '"count":(%d+)')) ~= want then return "count" end
  local _, names = string.gsub(body, '"username":"u%d%d%d%d%d"', "")
  if names ~= want then return "body" end
  if (string.find(body, '"cursor":"', 1, true) ~= nil) ~= want_cursor then return "cursor" end
end
