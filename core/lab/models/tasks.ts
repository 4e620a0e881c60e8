/** Task functions of the models domain, run in worker threads by core/lab/tasks.ts. */
export {};
