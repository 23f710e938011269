// Parses a PowerShell script (standard input) with the tree-sitter PowerShell grammar and prints
// what the boot-script tests assert on, as JSON: the syntax errors, and every command, assignment,
// hash literal, variable use and string literal with the blocks it sits in. Offline: the grammar
// and the runtime are the WebAssembly files beside this script (README.md).
'use strict';
// Baseline-compile the grammar's WebAssembly only: its optimizing compile takes ten seconds of CPU
// (and Node waits for it at exit) for a parse that needs a fraction of one.
require('v8').setFlagsFromString('--liftoff-only');
const path = require('path');
const fs = require('fs');
const { Parser, Language } = require('./web-tree-sitter.cjs');

// scope labels the block a node opens, or returns '' for a node that opens none.
function scope(n, child) {
  switch (n.type) {
    case 'foreach_statement': {
      const v = n.namedChildren.find((c) => c.type === 'variable');
      const p = n.namedChildren.find((c) => c.type === 'pipeline');
      return child.type === 'statement_block' ? `foreach ${v ? v.text : '?'} in ${p ? p.text : '?'}` : '';
    }
    case 'while_statement':
      return child.type === 'statement_block' ? `while ${n.namedChildren.find((c) => c.type !== 'statement_block').text}` : '';
    case 'if_statement':
      return child.type === 'statement_block' ? `if ${n.namedChildren.find((c) => c.type === 'pipeline').text}` : '';
    case 'elseif_clause':
      return child.type === 'statement_block' ? `elseif ${n.namedChildren.find((c) => c.type === 'pipeline').text}` : '';
    case 'else_clause':
      return 'else';
    case 'try_statement':
      return child.type === 'statement_block' ? 'try' : '';
    case 'catch_clause':
      return 'catch';
    case 'finally_clause':
      return 'finally';
    case 'function_statement': {
      const name = n.namedChildren.find((c) => c.type === 'function_name');
      return `function ${name ? name.text : '?'}`;
    }
    case 'script_block_expression':
      return 'scriptblock';
    default:
      return '';
  }
}

// elements are a command's arguments without the separators.
function elements(cmd) {
  const els = cmd.namedChildren.find((c) => c.type === 'command_elements');
  return els ? els.namedChildren.filter((c) => c.type !== 'command_argument_sep') : [];
}

function commandName(cmd) {
  const walk = (n) => (n.type === 'command_name' ? n : n.namedChildren.map(walk).find(Boolean));
  const n = walk(cmd);
  return n ? n.text : '';
}

(async () => {
  const src = fs.readFileSync(0, 'utf8');
  await Parser.init();
  const lang = await Language.load(path.join(__dirname, 'tree-sitter-powershell.wasm'));
  const parser = new Parser();
  parser.setLanguage(lang);
  const tree = parser.parse(src);
  const out = { errors: [], commands: [], assignments: [], hashes: [], variables: [], strings: [] };
  const line = (n) => n.startPosition.row + 1;
  const walk = (n, scopes, ctx) => {
    if (n.type === 'ERROR' || n.isMissing) {
      out.errors.push(`${n.isMissing ? 'missing ' + n.type : 'syntax error'} at line ${line(n)}:${n.startPosition.column + 1}: ${src.slice(n.startIndex, n.startIndex + 60).split('\n')[0]}`);
    }
    let here = ctx;
    switch (n.type) {
      case 'command': {
        const els = elements(n);
        out.commands.push({ name: commandName(n), line: line(n), elements: els.map((e) => e.text), scopes });
        here = { ...ctx, command: commandName(n), commandElements: els };
        break;
      }
      case 'assignment_expression': {
        const left = n.namedChildren.find((c) => c.type === 'left_assignment_expression');
        const right = n.childForFieldName('value') || n.namedChildren[n.namedChildren.length - 1];
        out.assignments.push({ left: left ? left.text : '', right: right ? right.text : '', line: line(n), scopes });
        here = { ...ctx, assignment: left ? left.text : '', assignmentLeft: left };
        break;
      }
      case 'hash_literal_expression': {
        const entries = [];
        const body = n.namedChildren.find((c) => c.type === 'hash_literal_body');
        for (const e of body ? body.namedChildren.filter((c) => c.type === 'hash_entry') : []) {
          const k = e.namedChildren.find((c) => c.type === 'key_expression');
          const v = e.namedChildren.find((c) => c !== k);
          entries.push([k ? k.text : '', v ? v.text : '']);
        }
        out.hashes.push({ entries, line: line(n), scopes, assignment: ctx.assignment || '' });
        break;
      }
      case 'variable': {
        const v = { name: n.text, line: line(n), scopes, command: '', parameter: '', assignment: '', assigned: false };
        if (ctx.command) {
          v.command = ctx.command;
          // the parameter this argument follows, when it is one of the command's elements
          const els = ctx.commandElements;
          const i = els.findIndex((e) => e.startIndex <= n.startIndex && n.endIndex <= e.endIndex);
          if (i > 0 && els[i - 1].type === 'command_parameter') v.parameter = els[i - 1].text;
        }
        if (ctx.assignment) {
          v.assignment = ctx.assignment;
          const l = ctx.assignmentLeft;
          v.assigned = !!l && l.startIndex <= n.startIndex && n.endIndex <= l.endIndex;
        }
        out.variables.push(v);
        break;
      }
      case 'verbatim_string_characters':
      case 'expandable_string_literal':
      case 'verbatim_here_string_characters':
      case 'expandable_here_string_literal':
        out.strings.push({ kind: n.type, text: n.text, line: line(n), scopes, command: ctx.command || '', assignment: ctx.assignment || '' });
        break;
    }
    for (const c of n.children) {
      const s = scope(n, c);
      walk(c, s ? [...scopes, s] : scopes, here);
    }
  };
  walk(tree.rootNode, [], {});
  process.stdout.write(JSON.stringify(out), () => process.exit(0));
})().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(2);
});
