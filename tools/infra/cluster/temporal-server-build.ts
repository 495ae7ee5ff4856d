import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../child-process';
import type { InfraLog } from '../infra-log';
import { infraDir } from '../dirs';

/**
 * The Temporal server the cluster stack runs: the release after the dev CLI's embedded 1.32.0,
 * built from the Go module proxy (no Docker image, no GitHub release download here).
 * docker-compose.yml must name the same version (test/unit/docker-compose.test.ts checks it).
 */
export const TEMPORAL_SERVER_VERSION = '1.32.1';

const MODULE = 'go.temporal.io/server';
/** Package path → the name the binary gets (go install names it after the last path element). */
const BINARIES = [
  { pkg: `${MODULE}/cmd/server`, built: 'server', name: 'temporal-server' },
  { pkg: `${MODULE}/cmd/tools/sql`, built: 'sql', name: 'temporal-sql-tool' },
] as const;

export interface TemporalServerDist {
  version: string;
  serverBin: string;
  sqlToolBin: string;
  /** schema/postgresql/v12 of the same module version: temporal/versioned and visibility/versioned. */
  postgresSchemaDir: string;
}

function distOf(root: string, version: string): TemporalServerDist {
  return {
    version,
    serverBin: path.join(root, 'temporal-server'),
    sqlToolBin: path.join(root, 'temporal-sql-tool'),
    postgresSchemaDir: path.join(root, 'schema', 'postgresql', 'v12'),
  };
}

async function goEnv(name: string): Promise<string> {
  return (await runCommand('go', ['env', name])).trim();
}

/**
 * Returns the Temporal server and temporal-sql-tool binaries, building them with the machine's
 * Go into .infra/temporal-server/<version>/ on first use (~9 min on a clean machine, ~1 min with
 * Go's module and build caches warm). A marker written last makes an interrupted build start over.
 */
export async function ensureTemporalServer(log: InfraLog, version = TEMPORAL_SERVER_VERSION): Promise<TemporalServerDist> {
  const root = path.join(infraDir(), 'temporal-server', version);
  const marker = path.join(root, 'installed.json');
  const dist = distOf(root, version);
  if (fs.existsSync(marker) && fs.existsSync(dist.serverBin) && fs.existsSync(dist.sqlToolBin)) return dist;

  // A module-less temp dir: the project's own files must not influence Go's module resolution.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-server-build-'));
  const gobin = path.join(work, 'bin');
  const started = Date.now();
  log(`building Temporal server ${version} with ${(await runCommand('go', ['version'])).trim()} into ${root} (one time; ~9 min on a clean machine)`);
  try {
    await runCommand('go', ['install', ...BINARIES.map((b) => `${b.pkg}@v${version}`)], {
      cwd: work,
      env: { ...process.env, GOFLAGS: '-mod=mod', GOBIN: gobin, GO111MODULE: 'on' },
      log,
      showLine: (line) => /^go: downloading go\.temporal\.io\/server/.test(line),
    });
    const schemaSource = path.join(await goEnv('GOMODCACHE'), `${MODULE}@v${version}`, 'schema', 'postgresql', 'v12');
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    for (const b of BINARIES) fs.copyFileSync(path.join(gobin, b.built), path.join(root, b.name));
    for (const b of BINARIES) fs.chmodSync(path.join(root, b.name), 0o755);
    fs.cpSync(schemaSource, dist.postgresSchemaDir, { recursive: true });
    // The module cache is read-only and cpSync keeps modes: without this, deleting .infra fails.
    await runCommand('chmod', ['-R', 'u+w', dist.postgresSchemaDir]);
    fs.writeFileSync(marker, JSON.stringify({ version, builtAt: new Date().toISOString() }, null, 2));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  log(`Temporal server ${version} built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return dist;
}
