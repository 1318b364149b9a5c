-- As hmac.lua (the same body and valid signature), to /hmac-replay with a fresh X-Delivery id on every request, so
-- that each one is a new delivery the replay store claims and commits (a repeated id would be a 401 replayed).
-- Each thread's ids start with random bytes from /dev/urandom: no id repeats across threads, warm-ups or rounds.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "hmac.lua")

local prefix, n
function init(args)
  local f = assert(io.open("/dev/urandom", "rb"))
  local bytes = f:read(8); f:close()
  prefix = bytes:gsub(".", function(c) return string.format("%02x", c:byte()) end) .. "-"
  n = 0
end

function request()
  n = n + 1
  wrk.headers["X-Delivery"] = prefix .. n
  return wrk.format()
end
