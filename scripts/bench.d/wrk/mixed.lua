-- Loaded by get-mixed.lua and post-mixed.lua after the method and body are set: every 10th request of a connection
-- carries a wrong X-API-Key (a 401 credentials_invalid, which the rejections explorer records), the others the key
-- from wrk -H. Both requests are formatted once per thread.
local good, bad, n

function init(args)
  n = 0
  good = wrk.format()
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["X-API-Key"] = "wrong-" .. (headers["X-API-Key"] or "")
  bad = wrk.format(nil, nil, headers)
end

function request()
  n = n + 1
  if n % 10 == 0 then return bad end
  return good
end
