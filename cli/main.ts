/**
 * spikelab command line: drives the same lab service as the app, headless.
 * Exit codes: 0 ok, 1 runtime error, 2 usage error, 130 run stopped by the user.
 */
import { ApiError } from '../core/api/contract';
import { UsageError } from './args';
import { benchCommand } from './commands/bench';
import { boardCommand } from './commands/board';
import { dataCommand } from './commands/data';
import { emulateCommand } from './commands/emulate';
import { evalCommand } from './commands/eval';
import { runsCommand } from './commands/runs';
import { serveCommand } from './commands/serve';
import { trainCommand } from './commands/train';
import { processIo, type CliIo } from './io';

export const HELP = `spikelab - spiking neural network lab

Usage:
  spikelab serve [--port N] [--host H] [--workspace DIR] [--open]
      Start the web host (UI + API) on http://127.0.0.1:7777 by default.
  spikelab train <config.json> | --preset NAME [options]
      Train one run headless. config.json (or --config FILE) holds {"preset", "settings"?, "name"?,
      "method"?, "methodOptions"?, "model"?}. --method M picks a training method, --option
      key=value (repeat) sets one of its options; \`spikelab train --methods\` lists them all.
      --epochs N  --batch-size N  --lr X  --timesteps N  --train-limit N  --test-limit N
      --seed N  --name TEXT  --workspace DIR  --json (print the result as one JSON object)
      --data FOLDER [--labels CSV]  train an event preset (nmnist-conv) on an event dataset;
      without a test split 20% of each class is held out (seeded) for validation.
  spikelab runs list [--json] [--workspace DIR]
      List runs in the workspace.
  spikelab runs resume <run-id> [--json] [--workspace DIR]
      Continue a stopped or interrupted run from its last checkpoint.
  spikelab eval <run-id> --data FOLDER [--labels CSV] [--json] [--workspace DIR]
      Accuracy of a completed run's final weights on a labelled event folder: {accuracy, samples}.
  spikelab data inspect <file-or-folder> [--labels CSV] [--json]
      Format, resolution, events, duration, polarity counts (file) or per-class counts (folder).
  spikelab data frames <file> --frames N --out FILE.png [--scale K]
      Cut the recording into N time bins and write them side by side (ON green, OFF red).
  spikelab board list|info|upload|run|emulator [options]
      Talk to a neuromorphic board on a serial port (\`spikelab board help\` for details):
      board info --port P, board upload --port P --model M,
      board run --port P --model M --input FILE [--json], board emulator (--port PATH | --pty).
  spikelab emulate --model M (--input FILE | --mnist-test-index N) [--json]
      Run one sample on the board emulator in-process (same output as board run).
      M: run id, run folder or model-spec JSON + .safetensors; FILE: {"ticks": T, "events": [[t, id], ...]}.
  spikelab bench <suite> [--json] [suite options]
      Run benchmark suite bench/<suite>; options after the name go to the suite, e.g.
      spikelab bench methods --only conversion-rate --epochs 2 --json.
  spikelab help
      Show this help.

Workspace: --workspace DIR, else $SPIKELAB_HOME, else ~/SpikeLab.
`;

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(HELP);
        return 0;
      case 'serve':
        return await serveCommand(rest, io);
      case 'train':
        return await trainCommand(rest, io);
      case 'runs':
        return await runsCommand(rest, io);
      case 'bench':
        return await benchCommand(rest, io);
      case 'data':
        return await dataCommand(rest, io);
      case 'eval':
        return await evalCommand(rest, io);
      case 'board':
        return await boardCommand(rest, io);
      case 'emulate':
        return await emulateCommand(rest, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`spikelab: ${err.message}\nRun \`spikelab help\` for usage.\n`);
      return 2;
    }
    if (err instanceof ApiError) {
      io.stderr.write(`spikelab: error [${err.code}]: ${err.message}\n`);
      return 1;
    }
    io.stderr.write(`spikelab: error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
