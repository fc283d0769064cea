-- wrk: GET /api/v1/tabs/active as one agent (Benchmarks/server-load.sh sets HERALD_TOKEN).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("HERALD_TOKEN")
wrk.headers["Accept"] = "application/json"
