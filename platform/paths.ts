import path from 'node:path';

/** <root>/platform as TypeScript, <root>/dist/platform as the build's JavaScript (`npm run build`). */
const parent = path.resolve(__dirname, '..');

/** The repository root: relative settings resolve against it, in the source and in the build alike. */
export const projectRoot = path.basename(parent) === 'dist' ? path.dirname(parent) : parent;
