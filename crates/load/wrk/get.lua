-- wrk: a GET with the bearer token in TOKEN (see run.sh).
wrk.headers["authorization"] = "Bearer " .. os.getenv("TOKEN")
