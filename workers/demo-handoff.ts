import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The demo is a tool, not part of the product: tools/demo/main.ts starts the dev stack, the
 * Bitrix24 sandbox and the Ringostat stand-in, then this same bridge (workers/run-bridge.ts).
 * A checkout's build holds it beside the product (dist/tools/demo/main.js); the image leaves
 * tools/ out. So `--demo` only looks for the file — nothing here imports it — and runs it.
 */
const DEMO_ENTRY = path.join(__dirname, '..', 'tools', 'demo', 'main');

export async function handToDemo(): Promise<void> {
  const entry = ['.js', '.ts'].map((extension) => `${DEMO_ENTRY}${extension}`).find((file) => existsSync(file));
  if (!entry) {
    process.stderr.write('no demo in this build: the demo is a tool (tools/demo/), which the image leaves out. Run `npm start` in a checkout, or give CONFIG_PATH.\n');
    process.exit(1);
  }
  await import(pathToFileURL(entry).href);
}
