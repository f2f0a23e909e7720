-- A real client for `tangent lsp`: Neovim's built-in LSP client (0.7 and later), headless.
--   TANGENT_BINARY=.build/debug/tangent TANGENT_NOTEBOOK=nb.md TANGENT_RESULT=out.json \
--   TANGENT_COMPLETE_AT=LINE:CHARACTER TANGENT_HOVER_AT=LINE:CHARACTER \
--   nvim --headless --clean -u NONE -c 'luafile client.lua'
-- Opens the notebook, waits for the server's diagnostics, asks for completion at
-- TANGENT_COMPLETE_AT and hover at TANGENT_HOVER_AT (0-based line, UTF-16 character), writes
-- what it got as JSON to
-- TANGENT_RESULT, stops the server (shutdown, exit) and quits.
local binary = os.getenv('TANGENT_BINARY')
local notebook = os.getenv('TANGENT_NOTEBOOK')
local out = os.getenv('TANGENT_RESULT')
local function position(variable)
  local line, character = string.match(os.getenv(variable) or '0:0', '(%d+):(%d+)')
  return {
    textDocument = vim.lsp.util.make_text_document_params(),
    position = { line = tonumber(line), character = tonumber(character) },
  }
end
local result = { diagnostics = {}, completion = {}, hover = '' }

local function finish()
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

vim.cmd('edit ' .. vim.fn.fnameescape(notebook))
local buf = vim.api.nvim_get_current_buf()
-- vim.lsp.start() is 0.8+; start_client and buf_attach_client work from 0.5 on.
local id = vim.lsp.start_client({
  name = 'tangent',
  cmd = { binary, 'lsp' },
  root_dir = vim.fn.fnamemodify(notebook, ':p:h'),
})
if not id then
  result.error = 'the client did not start'
  finish()
end
vim.lsp.buf_attach_client(buf, id)

result.got_diagnostics = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
for _, d in ipairs(vim.diagnostic.get(buf)) do
  -- Neovim converts the server's UTF-16 columns to byte columns.
  table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, end_col = d.end_col, message = d.message })
end

local responses = vim.lsp.buf_request_sync(buf, 'textDocument/completion', position('TANGENT_COMPLETE_AT'), 10000)
  or {}
for _, response in pairs(responses) do
  local items = response.result and (response.result.items or response.result) or {}
  for _, item in ipairs(items) do table.insert(result.completion, item.label) end
end
local hovers = vim.lsp.buf_request_sync(buf, 'textDocument/hover', position('TANGENT_HOVER_AT'), 10000) or {}
for _, response in pairs(hovers) do
  if response.result and response.result.contents then result.hover = response.result.contents.value end
end

vim.lsp.stop_client(id)
result.stopped = vim.wait(5000, function() return vim.lsp.client_is_stopped(id) end, 50)
finish()
