-- GET with 10 % of requests rejected (a wrong X-API-Key, see mixed.lua); adds the RESULT line.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")
dofile(dir .. "mixed.lua")
