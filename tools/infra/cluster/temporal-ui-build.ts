import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../child-process';
import type { InfraLog } from '../infra-log';
import { infraDir } from '../dirs';

/**
 * The standalone Temporal Web UI server for the cluster stack (the dev CLI's UI serves only its own
 * dev server). The Go module embeds the built UI, so it builds from the module proxy like the
 * server does. The same version docker-compose.yml pins as temporalio/ui.
 */
export const TEMPORAL_UI_VERSION = '2.34.0';
const MODULE = 'github.com/temporalio/ui-server/v2';

/**
 * Returns the ui-server binary, built on first use into .infra/temporal-ui/<version>/ (~1 min with
 * Go's caches warm). Not `go install pkg@version`: the module's go.mod has replace directives, which
 * that refuses, so it is required from a throw-away module instead.
 */
export async function ensureTemporalUiServer(log: InfraLog, version = TEMPORAL_UI_VERSION): Promise<string> {
  const root = path.join(infraDir(), 'temporal-ui', version);
  const binary = path.join(root, 'ui-server');
  if (fs.existsSync(binary)) return binary;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-ui-build-'));
  const env = { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on' };
  const started = Date.now();
  log(`building the Temporal UI server ${version} into ${root} (one time)`);
  try {
    await runCommand('go', ['mod', 'init', 'temporal-ui-build'], { cwd: work, env });
    await runCommand('go', ['get', `${MODULE}@v${version}`], { cwd: work, env });
    const staged = path.join(work, 'ui-server');
    await runCommand('go', ['build', '-o', staged, `${MODULE}/cmd/server`], { cwd: work, env });
    fs.mkdirSync(root, { recursive: true });
    // Copied last, so an interrupted build leaves no binary that looks finished.
    fs.copyFileSync(staged, `${binary}.tmp`);
    fs.chmodSync(`${binary}.tmp`, 0o755);
    fs.renameSync(`${binary}.tmp`, binary);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  log(`Temporal UI server ${version} built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return binary;
}
