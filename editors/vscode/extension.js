// A minimal client: starts `tangent lsp` for Markdown files. The server does the rest
// (diagnostics, hover, completion, definition, references, symbols, the "Run through" lens).
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('tangent').get('path') || 'tangent';
  client = new LanguageClient(
    'tangent',
    'Tangent notebooks',
    { command, args: ['lsp'] },
    { documentSelector: [{ scheme: 'file', language: 'markdown' }] }
  );
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
