/** Task functions of the probe domain, run in worker threads by core/lab/tasks.ts. */
export {};
