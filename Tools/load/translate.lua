-- wrk script: POST /translate (LibreTranslate format), one sentence a request, cycling through the lines
-- of the file in $S2S_LOAD_SENTENCES (each thread starts at its own offset); counts non-200 answers.
local sentences = {}
local path = os.getenv("S2S_LOAD_SENTENCES")
for line in io.lines(path) do
    if #line > 0 then sentences[#sentences + 1] = line end
end

local function json_string(text)
    text = text:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\t', '\\t'):gsub('\r', '\\r'):gsub('\n', '\\n')
    return '"' .. text .. '"'
end

local bodies = {}
for i, sentence in ipairs(sentences) do bodies[i] = '{"q":' .. json_string(sentence) .. '}' end

local counter = 0
local thread_count = 0
function setup(thread)
    thread:set("offset", thread_count * 97)
    thread_count = thread_count + 1
end

function init(args)
    counter = offset or 0
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    counter = counter + 1
    return wrk.format(nil, "/translate", nil, bodies[(counter % #bodies) + 1])
end

local bad = 0
function response(status, headers, body)
    if status ~= 200 then bad = bad + 1 end
end
