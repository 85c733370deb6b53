-- wrk script for bench/gateway_bench.py: POST one chat completion, print a JSON summary line.
-- Env: BENCH_MODEL (default "fake"), BENCH_KEY (Bearer token).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "sk-none")
wrk.body = '{"model":"' .. (os.getenv("BENCH_MODEL") or "fake") ..
  '","messages":[{"role":"user","content":"Say hello in one short sentence."}]}'

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"non2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
