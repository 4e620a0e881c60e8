/** Transport-side checks of the board domain (see core/lab/apiDispatch.ts). */
import type { BoardApi } from '../../api/contractBoard';
import { validateRunId } from '../validate';
import { argInt, argString, arity, type Handler } from '../args';

export const BOARD_HANDLERS: { readonly [K in keyof BoardApi]: Handler } = {
  listBoardPorts: (api, args) => (arity('listBoardPorts', args, 0), api.listBoardPorts()),
  connectBoard: (api, args) => (arity('connectBoard', args, 1), api.connectBoard(argString('connectBoard', 'path', args[0], { maxLength: 512 }))),
  disconnectBoard: (api, args) => (arity('disconnectBoard', args, 0), api.disconnectBoard()),
  getBoardState: (api, args) => (arity('getBoardState', args, 0), api.getBoardState()),
  checkBoardModel: (api, args) => (arity('checkBoardModel', args, 1), api.checkBoardModel(validateRunId(args[0]))),
  uploadToBoard: (api, args) => (arity('uploadToBoard', args, 1), api.uploadToBoard(validateRunId(args[0]))),
  runOnBoard: (api, args) => (arity('runOnBoard', args, 2), api.runOnBoard(validateRunId(args[0]), argInt('runOnBoard', 'sample', args[1], 0, 1_000_000))),
};
