/** Engine facts asked of a worker thread (core/lab/tasks.ts), so the service's own thread never loads the native addon. */
import { defaultBackendInfo, type BackendInfo } from './engineProviders';

export function kernelBackend(): BackendInfo {
  return defaultBackendInfo();
}
