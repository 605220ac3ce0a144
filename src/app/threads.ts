/** Worker threads running one of Holdfast's modules (the store's helper, for the layers above the use cases). */
export { moduleWorker, stopModuleWorker } from '../store/module-worker.ts';
