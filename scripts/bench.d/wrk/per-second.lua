-- Responses completed per wall-clock second, for scripts/bench-warmup: loads get.lua or hmac.lua (PER_SECOND_BASE),
-- counts each response in its thread under os.time(), and at the end prints one "SECOND <epoch> <responses>" line per
-- second (all threads summed) after the RESULT line.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. (os.getenv("PER_SECOND_BASE") or "get") .. ".lua")

local threads = {}
function setup(thread) table.insert(threads, thread) end

buckets = {}
function response(status, headers, body)
  local t = os.time()
  buckets[t] = (buckets[t] or 0) + 1
end

local report = done
function done(summary, latency, requests)
  report(summary, latency, requests)
  local all, keys = {}, {}
  for _, thread in ipairs(threads) do
    for t, n in pairs(thread:get("buckets")) do
      if all[t] == nil then table.insert(keys, t) end
      all[t] = (all[t] or 0) + n
    end
  end
  table.sort(keys)
  for _, t in ipairs(keys) do io.write(string.format("SECOND %d %d\n", t, all[t])) end
end
