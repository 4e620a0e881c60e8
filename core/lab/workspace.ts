/**
 * The workspace folder: models/ and runs/ under one root. The root comes from, in order, an
 * explicit option (CLI --workspace), SPIKELAB_HOME, or ~/SpikeLab.
 */
import { accessSync, constants, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiError } from '../api/contract';

export interface Workspace {
  root: string;
  modelsDir: string;
  runsDir: string;
}

export function resolveWorkspaceRoot(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolve(explicit);
  const fromEnv = env.SPIKELAB_HOME;
  if (fromEnv && fromEnv.trim() !== '') return resolve(fromEnv);
  return join(homedir(), 'SpikeLab');
}

/** Creates the folders and proves the root is writable now, not at the first checkpoint. */
export function openWorkspace(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): Workspace {
  const root = resolveWorkspaceRoot(explicit, env);
  const ws: Workspace = { root, modelsDir: join(root, 'models'), runsDir: join(root, 'runs') };
  try {
    mkdirSync(ws.modelsDir, { recursive: true });
    mkdirSync(ws.runsDir, { recursive: true });
    accessSync(root, constants.W_OK);
    // access() trusts mode bits; a probe write also catches read-only mounts and root-owned ACLs.
    const probe = join(ws.runsDir, `.probe-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    throw new ApiError('WORKSPACE_UNWRITABLE', `workspace ${root} is not writable: ${describeOsError(err)}`);
  }
  return ws;
}

export function describeOsError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
