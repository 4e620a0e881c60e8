/** Transport-side argument checks of the board domain (core/lab/board/handlers.ts). */
import { describe, expect, it } from 'vitest';
import { ApiError, type SpikeLabApi } from '../../../core/api/contract';
import { BOARD_HANDLERS } from '../../../core/lab/board/handlers';

function recorder(): { api: SpikeLabApi; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const api = new Proxy({}, { get: (_t, name) => (...args: unknown[]) => (calls.push([name, ...args]), Promise.resolve(null)) }) as SpikeLabApi;
  return { api, calls };
}

async function badRequest(f: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  let err: unknown = null;
  try {
    await f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe('BAD_REQUEST');
  expect((err as ApiError).message).toMatch(pattern);
}

const RUN = '20260101-000000-run-abcdef';

describe('board handlers', () => {
  it('pass well-formed calls through unchanged', async () => {
    const { api, calls } = recorder();
    await BOARD_HANDLERS.listBoardPorts(api, []);
    await BOARD_HANDLERS.connectBoard(api, ['emulator:']);
    await BOARD_HANDLERS.runOnBoard(api, [RUN, 7]);
    await BOARD_HANDLERS.uploadToBoard(api, [RUN]);
    expect(calls).toEqual([['listBoardPorts'], ['connectBoard', 'emulator:'], ['runOnBoard', RUN, 7], ['uploadToBoard', RUN]]);
  });

  it('reject wrong arity, empty or overlong paths, run ids with slashes and non-integer samples', async () => {
    const { api, calls } = recorder();
    await badRequest(() => BOARD_HANDLERS.getBoardState(api, [1]), /getBoardState takes 0 arguments, got 1/);
    await badRequest(() => BOARD_HANDLERS.connectBoard(api, ['']), /connectBoard: path must be a non-empty string/);
    await badRequest(() => BOARD_HANDLERS.connectBoard(api, ['x'.repeat(513)]), /at most 512 characters/);
    await badRequest(() => BOARD_HANDLERS.checkBoardModel(api, ['../etc']), /runId/);
    await badRequest(() => BOARD_HANDLERS.runOnBoard(api, [RUN, 1.5]), /runOnBoard: sample must be an integer/);
    await badRequest(() => BOARD_HANDLERS.runOnBoard(api, [RUN, -1]), /sample must be an integer in \[0, /);
    expect(calls).toEqual([]);
  });
});
