/** Task functions of the methods domain, run in worker threads by core/lab/tasks.ts. */
export {};
