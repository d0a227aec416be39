// The a2icond VS Code extension: starts `a2icond lsp` (the language server) for .cond files
// and, when the `a2icond.jsonFiles` glob is set, for JSON activation-condition files too.
// Syntax highlighting comes from syntaxes/a2icond.tmLanguage.json and needs no server.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("a2icond");
  const command = config.get("command", ["a2icond", "lsp"]);
  const jsonFiles = config.get("jsonFiles", "**/*conditions*.json");
  const serverOptions = {
    command: command[0],
    args: command.slice(1),
    transport: TransportKind.stdio,
  };
  const documentSelector = [{ scheme: "file", language: "a2icond" }];
  if (jsonFiles) {
    documentSelector.push({ scheme: "file", language: "json", pattern: jsonFiles });
  }
  client = new LanguageClient(
    "a2icond",
    "a2icond language server",
    serverOptions,
    { documentSelector },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
