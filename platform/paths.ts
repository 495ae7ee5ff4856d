import path from 'node:path';

/** The repository root (this file lives in <root>/platform): relative settings resolve against it. */
export const projectRoot = path.resolve(__dirname, '..');
