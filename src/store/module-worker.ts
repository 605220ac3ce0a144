/**
 * A worker thread running one of Holdfast's modules, from the compiled JavaScript or, in development and tests, from
 * the TypeScript sources (through tsx's loader, which a thread does not inherit).
 */
import { Worker } from 'node:worker_threads';

/** Starts the module `name` (without extension) that sits beside `base` (the caller's `import.meta.url`). */
export function moduleWorker(base: string, name: string, workerData: unknown): Worker {
  const fromSource = base.endsWith('.ts');
  const entry = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, base);
  return fromSource
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true, workerData })
    : new Worker(entry, { workerData });
}

/** Asks a module's thread to close (it answers 'close' by exiting) and waits for it, ending it after 2 s at most. */
export function stopModuleWorker(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => void worker.terminate().finally(resolve), 2_000);
    worker.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    worker.postMessage('close');
  });
}
