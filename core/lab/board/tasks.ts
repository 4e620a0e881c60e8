/** Task functions of the board domain, run in worker threads by core/lab/tasks.ts. */
export {};
