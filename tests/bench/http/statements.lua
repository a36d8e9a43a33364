-- Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
--
-- wrk script for scripts/bench: varied xAPI statements and queries.
--   wrk ... -s statements.lua URL -- post 1      one statement per POST
--   wrk ... -s statements.lua URL -- post 100    batches of 100
--   wrk ... -s statements.lua URL -- get verb    GET filtered by verb (also agent, activity)
-- Authorization and X-Experience-API-Version come from wrk's -H flags.
-- done() prints one line: "wrk-result <requests/s> <p50 ms> <p99 ms> <non-2xx>".

local mode, arg = "post", 1
local verbs = {"completed", "attempted", "passed", "failed", "experienced", "answered",
               "launched", "terminated"}
local counter = 0

local function hex(n)
  local t = {}
  for i = 1, n do t[i] = string.format("%x", math.random(0, 15)) end
  return table.concat(t)
end

local function uuid()
  return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-a" .. hex(3) .. "-" .. hex(12)
end

local function statement()
  local learner = math.random(1, 10000)
  local course = math.random(1, 50)
  local module = math.random(1, 20)
  local verb = verbs[math.random(1, #verbs)]
  local score = math.random(0, 100) / 100
  return string.format(
    '{"actor":{"objectType":"Agent","name":"Learner %d","mbox":"mailto:learner%d@example.com"},' ..
    '"verb":{"id":"http://adlnet.gov/expapi/verbs/%s","display":{"en-US":"%s"}},' ..
    '"object":{"objectType":"Activity","id":"http://example.com/courses/%d/modules/%d",' ..
    '"definition":{"name":{"en-US":"Course %d, module %d"},' ..
    '"type":"http://adlnet.gov/expapi/activities/module"}},' ..
    '"result":{"score":{"scaled":%.2f,"raw":%d,"min":0,"max":100},"success":%s,' ..
    '"completion":true,"duration":"PT%dM%dS"},' ..
    '"context":{"registration":"%s","platform":"bench",' ..
    '"contextActivities":{"parent":[{"id":"http://example.com/courses/%d"}]}},' ..
    '"timestamp":"2026-11-%02dT%02d:%02d:%02d.000Z"}',
    learner, learner, verb, verb, course, module, course, module, score,
    math.floor(score * 100), score >= 0.5 and "true" or "false", math.random(1, 59),
    math.random(0, 59), uuid(), course, math.random(1, 22), math.random(0, 23),
    math.random(0, 59), math.random(0, 59))
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  mode = args[1] or "post"
  arg = args[2] or "1"
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
end

function request()
  counter = counter + 1
  if mode == "post" then
    local n = tonumber(arg)
    local body
    if n == 1 then
      body = statement()
    else
      local parts = {}
      for i = 1, n do parts[i] = statement() end
      body = "[" .. table.concat(parts, ",") .. "]"
    end
    wrk.headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/xapi/statements", nil, body)
  end
  local q
  if arg == "verb" then
    q = "verb=" .. urlencode("http://adlnet.gov/expapi/verbs/" .. verbs[math.random(1, #verbs)])
  elseif arg == "agent" then
    q = "agent=" .. urlencode(string.format('{"mbox":"mailto:learner%d@example.com"}',
                                            math.random(1, 10000)))
  else
    q = "activity=" .. urlencode(string.format("http://example.com/courses/%d/modules/%d",
                                               math.random(1, 50), math.random(1, 20)))
  end
  wrk.headers["Content-Type"] = nil
  return wrk.format("GET", "/xapi/statements?limit=10&" .. q)
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read +
                 summary.errors.write + summary.errors.timeout
  io.write(string.format("wrk-result %.0f %.3f %.3f %d\n",
                         summary.requests / (summary.duration / 1e6),
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
