/**
 * @module Runs the real `truebatch` CLI on a pseudo-terminal (through `script` from util-linux, so nothing beyond a
 * base system is needed), and replays what it wrote on a small virtual screen to see what a user would see.
 */
import { spawn } from 'node:child_process';
import { cliCommand, cliCwd, cliEnv } from './cli.ts';

/** What a CLI run on a terminal left behind: its exit code and every byte the terminal received (stdout and stderr). */
export interface PtyResult {
  code: number | null;
  output: string;
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs `truebatch <args>` with stdout and stderr on a terminal of `cols` x `rows`. `env` is added to a clean
 * environment, as in `runCli`.
 */
export function runCliInPty(args: readonly string[], options: { cols: number; rows: number; env?: Record<string, string> }): Promise<PtyResult> {
  const command = cliCommand(args).map(shellQuote).join(' ');
  // -e: exit with the command's code; -f: flush as it comes; -q: no "Script started" lines; /dev/null: no typescript file.
  const child = spawn('script', ['-qfec', `stty cols ${options.cols} rows ${options.rows}; exec ${command}`, '/dev/null'], {
    cwd: cliCwd,
    env: cliEnv({ TERM: 'xterm', ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`cannot run \`script\` (util-linux): ${error.message}`)));
    child.on('close', (code) => resolve({ code, output: output + errors }));
  });
}

/**
 * The screen after `output` was written to a terminal `cols` wide, as lines with trailing blanks trimmed. It
 * understands what progress bars and tables use: text, CR, LF, backspace, and the CSI sequences that move the
 * cursor (A B C D G H) and erase (K J); others (cursor visibility, line wrapping) do not change the text. Rows
 * never scroll off: the screen grows downward, so relative moves land where they would on a tall terminal.
 */
export function screenOf(output: string, cols: number): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  const lineAt = (index: number): string[] => {
    while (lines.length <= index) lines.push([]);
    return lines[index] as string[];
  };
  // eslint-disable-next-line no-control-regex -- terminal escape sequences start with ESC (\x1b)
  const sequence = /\x1b\[([?]?)([\d;]*)([A-Za-z])|\x1b[()][A-Za-z0-9]|([\r\n\b])|([^\x1b\r\n\b]+)/gu;
  for (const match of output.matchAll(sequence)) {
    const [, isPrivate, params, command, control, text] = match;
    if (text !== undefined) {
      for (const char of text) {
        const line = lineAt(row);
        while (line.length < col) line.push(' ');
        line[Math.min(col, cols - 1)] = char; // line wrapping is off while bars draw: the last column takes the rest
        col = Math.min(col + 1, cols);
      }
    } else if (control === '\r') col = 0;
    else if (control === '\n') row++;
    else if (control === '\b') col = Math.max(0, col - 1);
    else if (command !== undefined && isPrivate === '') {
      const numbers = (params ?? '').split(';').map((value) => Number.parseInt(value, 10));
      const n = Number.isNaN(numbers[0]) ? 1 : (numbers[0] as number);
      if (command === 'A') row = Math.max(0, row - n);
      else if (command === 'B') row += n;
      else if (command === 'C') col = Math.min(cols - 1, col + n);
      else if (command === 'D') col = Math.max(0, col - n);
      else if (command === 'G') col = Math.max(0, n - 1);
      else if (command === 'H') [row, col] = [Math.max(0, n - 1), Math.max(0, (Number.isNaN(numbers[1]) ? 1 : (numbers[1] as number)) - 1)];
      else if (command === 'K') {
        const line = lineAt(row);
        const mode = Number.isNaN(numbers[0]) ? 0 : numbers[0];
        if (mode === 0) line.splice(col);
        else if (mode === 1) for (let i = 0; i <= col && i < line.length; i++) line[i] = ' ';
        else line.splice(0);
      } else if (command === 'J') {
        lineAt(row).splice(col);
        lines.splice(row + 1);
      }
    }
  }
  return lines.map((line) => line.join('').trimEnd());
}
