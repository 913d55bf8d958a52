-- The wrk side of bench/wrk.py: send pre-computed requests in turn, check every answer.
--
--   wrk -s bench/wrk.lua -t THREADS … http://127.0.0.1:PORT -- REQUESTS_FILE START THREADS
--
-- REQUESTS_FILE holds complete HTTP/1.1 requests (written by bench/wrk.py: each one a
-- different participant, idea or page), each as "<length in bytes>\n<request>". Every
-- thread sends them in order from its own place in the file (START, spread out by thread),
-- one per request, going round again at the end. Any answer outside 2xx is counted, by
-- status, with the first few bodies kept. At the end, lines starting "candour-wrk " on
-- standard output give the totals, the statuses and the whole latency histogram (in
-- microseconds), which bench/wrk.py merges over the slices of a phase.

local threads = {}

function setup(thread)
   thread:set("thread_number", #threads)
   threads[#threads + 1] = thread
end

local requests = {}
local count = 0
local position = 1
statuses = {}
samples = {}

function init(args)
   local file = assert(io.open(args[1], "rb"))
   local data = file:read("*a")
   file:close()
   local at = 1
   while at <= #data do
      local newline = assert(data:find("\n", at, true), "malformed requests file")
      local length = tonumber(data:sub(at, newline - 1))
      requests[#requests + 1] = data:sub(newline + 1, newline + length)
      at = newline + length + 1
   end
   count = #requests
   assert(count > 0, "no requests")
   -- Threads start apart, so that no two send the same request at once.
   local start = tonumber(args[2]) + thread_number * math.floor(count / tonumber(args[3]))
   position = start % count + 1
end

function request()
   local r = requests[position]
   position = position % count + 1
   return r
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if (status < 200 or status > 299) and #samples < 5 then
      samples[#samples + 1] = status .. " " .. body:sub(1, 300):gsub("%s", " ")
   end
end

function done(summary, latency, requests_stats)
   local out = {}
   local function line(...)
      out[#out + 1] = "candour-wrk " .. table.concat({...}, " ")
   end
   local e = summary.errors
   line("requests", summary.requests)
   line("duration_us", summary.duration)
   line("bytes", summary.bytes)
   line("socket_errors", e.connect, e.read, e.write, e.timeout)
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do
         line("status", status, n)
      end
      for _, sample in ipairs(thread:get("samples")) do
         line("sample", sample)
      end
   end
   for i = 1, #latency do
      local value, n = latency(i)
      line("latency_us", string.format("%d", value), string.format("%d", n))
   end
   io.write(table.concat(out, "\n"), "\n")
end
