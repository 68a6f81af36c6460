-- posts a three-line order (or one line when ONE_LINE is set) for one of 32,000 customers
local token = os.getenv("TOKEN")
local a, b, c = os.getenv("P1"), os.getenv("P2"), os.getenv("P3")
local one = os.getenv("ONE_LINE")
local n = 0
local id = 0
function setup(thread) id = id + 1; thread:set("tid", id) end
function init(args) n = (tid or 0) * 100000 end
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer " .. token
function request()
  n = n + 1
  local items
  if one then
    items = '[{"productId":"' .. a .. '","quantity":1}]'
  else
    items = '[{"productId":"' .. a .. '","quantity":1},{"productId":"' .. b .. '","quantity":2},{"productId":"' .. c .. '","quantity":1}]'
  end
  local body = '{"customer":{"name":"Load Buyer","email":"load-' .. (n % 32000) .. '@load.example"},"items":' .. items .. '}'
  return wrk.format(nil, "/api/orders", nil, body)
end
