-- wrk: POST /api/v1/interactions, an email start with its first message (Markdown), as one agent
-- (Benchmarks/server-load.sh sets HERALD_TOKEN). No ID: the server makes one, so every request
-- is a new interaction. Each request writes to a new address, so each also makes a customer —
-- the whole path of a first contact: compose, store, enqueue; the server's worker delivers to the
-- Maildir meanwhile.
local token = os.getenv("HERALD_TOKEN")
local counter = 0
local threads = 0
-- Set in each thread by setup (a global: thread:set writes globals), so addresses never repeat.
thread_id = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function request()
  counter = counter + 1
  local n = thread_id .. "-" .. counter
  local body = '{"channel":"email","campaign":"billing","to":["Customer ' .. n .. ' <load-' .. n .. '@example.com>"],'
    .. '"subject":"Your order ' .. n .. '","customerName":"Customer ' .. n .. '",'
    .. '"message":{"markdown":"Hello,\\n\\nyour order **' .. n .. '** left our warehouse today; it should reach you within two days.\\n\\n'
    .. '- Tracking: [follow it](https://example.com/track/' .. n .. ')\\n- Questions: reply to this email\\n\\nThe billing team"}}'
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
