-- POST of the bench body (post-body.lua) with 10 % of requests rejected (a wrong X-API-Key, see mixed.lua).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "post-body.lua")
dofile(dir .. "mixed.lua")
