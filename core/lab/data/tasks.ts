/** Task functions of the data domain, run in worker threads by core/lab/tasks.ts. */
export {};
