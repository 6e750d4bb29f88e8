--- @include "dead_letter"
--- @include "fmt"
--- @include "now"
--- @include "terminal"
--- @include "transition"

-- Dead-letter a poison entry (reason 'poison'; why: what was wrong) of stream ('jobs', or
-- 'assign': a target's assignment stream). The job it names, when that record is usable
-- enough, ends 'dead' with the reason, so nothing waits for it in silence.
local function poison(stream, eid, jid, gid, why)
  local ts = fmt(now())
  local org = ''
  if jid and jid ~= '' then
    local jkey = K.job(jid)
    local j = redis.pcall('HMGET', jkey, 'status', 'org_id', 'target', 'attempts')
    if type(j) == 'table' and not j.err and j[1] then
      org = j[2] or ''
      if not TERMINAL[j[1]] then
        redis.call('ZREM', K.delayed, jid)
        local fields = { 'finished_at', ts, 'error', 'poison: ' .. why }
        if STATUSES[j[1]] and org ~= '' and TARGETS[j[3] or ''] then
          transition(jkey, jid, org, j[3], j[1], 'dead', ts, fields, { 'message', 'poison' })
        else
          redis.call('HSET', jkey, 'status', 'dead', 'updated_at', ts, unpack(fields))
          redis.call('EXPIRE', jkey, JOB_TTL)
        end
      end
    end
  end
  dead_letter(org, { 'job', jid or '', 'org', org, 'reason', 'poison', 'last_error', why,
    'stream', stream, 'entry', eid, 'group', gid or '', 'at', ts })
end
