/** Pages and cursors as the use cases answer them (the store makes them; HTTP and the CLI read them). */
export type { Page } from '../store/repositories/pagination.ts';
export { decodeCursor } from '../store/repositories/pagination.ts';
export type { CursorPart } from '../store/repositories/pagination.ts';
