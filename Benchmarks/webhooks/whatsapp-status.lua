-- wrk: signed WhatsApp status webhooks (Benchmarks/webhooks.sh writes WEBHOOKS_FILE: one request
-- a line, "SIGNATURE BODY", each body a different message's status and its X-Hub-Signature-256).
-- Each thread sends its own share of the lines, in turn, so no two requests are the same one
-- until every line has been sent once.
local threads = {}
local count = 0

function setup(thread)
    thread:set("id", count)
    table.insert(threads, thread)
    count = count + 1
end

function init(args)
    requests = {}
    local n = 0
    for line in io.lines(os.getenv("WEBHOOKS_FILE")) do
        if n % count_of_threads() == id then
            local signature, body = line:match("^(%S+) (.*)$")
            requests[#requests + 1] = wrk.format("POST", nil,
                { ["Content-Type"] = "application/json", ["X-Hub-Signature-256"] = signature }, body)
        end
        n = n + 1
    end
    index = 0
end

function count_of_threads()
    return tonumber(os.getenv("WEBHOOKS_THREADS"))
end

function request()
    index = index % #requests + 1
    return requests[index]
end
