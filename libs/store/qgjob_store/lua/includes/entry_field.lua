-- The value of field name in an entry's flat field list, or ''.
local function entry_field(fields, name)
  for i = 1, #(fields or {}) - 1, 2 do
    if fields[i] == name then return fields[i + 1] end
  end
  return ''
end
