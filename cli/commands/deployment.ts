import { InvalidArgumentError, type Command } from 'commander';
import {
  compareBuildIds, describeDeployment, routingIdentity, setCurrentVersion, setRampingVersion, type DeploymentView,
} from '../../platform/worker-deployment';
import { CliError, type CliContext } from '../context';
import { printResult } from '../output';
import { positiveNumber } from '../option-parsers';

/**
 * `deployment` (docs/contracts.md §4, docs/upgrades.md "Deploys"): the operator's side of Worker
 * Versioning in a rolling deploy — which builds of the bridge's workers the server knows, which
 * one gets the workflow tasks, moving them to another build (at once or by a share of the
 * workflows), and waiting until an old build has nothing left to finish before its workers stop.
 */

const percentage = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('must be a number from 0 to 100');
  return n;
};

async function deploymentOf(ctx: CliContext, name: string): Promise<DeploymentView> {
  const temporal = await ctx.temporal();
  const view = await describeDeployment(temporal.workflowService, ctx.namespace, name);
  if (!view) throw new CliError(`no worker of deployment "${name}" has polled Temporal yet (WORKER_DEPLOYMENT_NAME; start a bridge worker first)`);
  return view;
}

/** The build must have polled: the server routes no task to a version it has not seen. */
function knownBuild(view: DeploymentView, buildId: string): void {
  if (!view.versions.some((v) => v.buildId === buildId)) {
    throw new CliError(`no worker of build "${buildId}" has polled deployment "${view.name}" (known: ${view.versions.map((v) => v.buildId).join(', ') || 'none'}); start it first`);
  }
}

/**
 * Moving workflows to an older build, or back from a ramp, is a rollback: a workflow whose history
 * the newer build wrote with a patch the older one lacks fails its tasks there (they retry until a
 * build with the patch is current again). Refused unless --rollback says the operator means it.
 */
function refuseRollback(rollback: boolean | undefined, what: string): void {
  if (rollback) return;
  throw new CliError(`${what}: workflows that a newer build already ran may fail their tasks on it (docs/upgrades.md "Rolling back"); pass --rollback if that is what you mean`);
}

function formatStatus(view: DeploymentView): string {
  const lines = [`deployment ${view.name}`, `  current  ${view.current ?? '(none: new workflow tasks reach unversioned workers only)'}`];
  if (view.ramping) lines.push(`  ramping  ${view.ramping.buildId} at ${view.ramping.percentage} %`);
  lines.push('  versions:');
  for (const v of view.versions) {
    const since = v.currentSince && v.buildId === view.current ? ` since ${v.currentSince}` : '';
    lines.push(`    ${v.buildId.padEnd(16)} ${v.status}${v.drainage && v.status !== v.drainage ? ` (${v.drainage})` : ''}${since}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What --json prints: the view without the conflict token (bytes for the next change, not for reading). */
const viewJson = (view: DeploymentView) => ({ name: view.name, current: view.current ?? null, ramping: view.ramping ?? null, versions: view.versions });

export function registerDeployment(program: Command, context: () => CliContext): void {
  const deployment = program.command('deployment')
    .description('Worker Versioning for rolling deploys: show the worker builds, make one current or ramp it, wait until an old one is drained');
  const nameOption = ['--name <deployment>', 'the Worker Deployment (default $WORKER_DEPLOYMENT_NAME, else ringostat-bridge)'] as const;

  deployment.command('status')
    .description('the current and ramping build, and every build the server knows with its state (current, ramping, draining, drained, inactive)')
    .option(...nameOption)
    .action(async (options: { name?: string; json?: boolean }) => {
      const ctx = context();
      const view = await deploymentOf(ctx, options.name ?? ctx.deploymentName);
      printResult(options.json, viewJson(view), () => formatStatus(view));
    });

  deployment.command('promote')
    .description('make a build current: every workflow\'s next task goes to its workers (calls in flight included), and a ramp ends')
    .requiredOption('--build-id <id>', 'the build (its workers must be polling)')
    .option('--rollback', 'allow making an older (or unordered) build current')
    .option(...nameOption)
    .action(async (options: { buildId: string; rollback?: boolean; name?: string; json?: boolean }) => {
      const ctx = context();
      const view = await deploymentOf(ctx, options.name ?? ctx.deploymentName);
      knownBuild(view, options.buildId);
      if (view.current === options.buildId && !view.ramping) {
        printResult(options.json, { ...viewJson(view), changed: false }, () => `${options.buildId} is already the current version of ${view.name}\n`);
        return;
      }
      const order = view.current ? compareBuildIds(options.buildId, view.current) : 1;
      if (order === undefined || order < 0) refuseRollback(options.rollback, `${options.buildId} is not newer than the current ${view.current}`);
      const temporal = await ctx.temporal();
      await setCurrentVersion(temporal.workflowService, {
        namespace: ctx.namespace, deploymentName: view.name, buildId: options.buildId, identity: routingIdentity('cli'),
        ...(view.conflictToken ? { conflictToken: view.conflictToken } : {}),
      });
      const after = await deploymentOf(ctx, view.name);
      printResult(options.json, { ...viewJson(after), changed: true, previous: view.current ?? null }, () =>
        `${options.buildId} is now the current version of ${view.name} (was ${view.current ?? 'none'})\n${formatStatus(after)}`);
    });

  deployment.command('ramp')
    .description('send a share of the workflows (by id) to a build before making it current; raise the share step by step, then promote')
    .requiredOption('--build-id <id>', 'the build (its workers must be polling)')
    .requiredOption('--percent <n>', 'share of the workflows, 0–100', percentage)
    .option('--rollback', 'allow lowering a ramp, or ramping an older build: workflows move back')
    .option(...nameOption)
    .action(async (options: { buildId: string; percent: number; rollback?: boolean; name?: string; json?: boolean }) => {
      const ctx = context();
      const view = await deploymentOf(ctx, options.name ?? ctx.deploymentName);
      knownBuild(view, options.buildId);
      if (view.current === options.buildId) throw new CliError(`${options.buildId} is the current version already`);
      const order = view.current ? compareBuildIds(options.buildId, view.current) : 1;
      if (order === undefined || order < 0) refuseRollback(options.rollback, `${options.buildId} is not newer than the current ${view.current}`);
      if (view.ramping && (view.ramping.buildId !== options.buildId || options.percent < view.ramping.percentage)) {
        refuseRollback(options.rollback, `${view.ramping.buildId} is ramping at ${view.ramping.percentage} %; this would move some of its workflows back`);
      }
      const temporal = await ctx.temporal();
      await setRampingVersion(temporal.workflowService, {
        namespace: ctx.namespace, deploymentName: view.name, buildId: options.buildId, percentage: options.percent, identity: routingIdentity('cli'),
        ...(view.conflictToken ? { conflictToken: view.conflictToken } : {}),
      });
      const after = await deploymentOf(ctx, view.name);
      printResult(options.json, { ...viewJson(after), changed: true }, () => `${options.buildId} ramps at ${options.percent} %\n${formatStatus(after)}`);
    });

  deployment.command('wait-drained')
    .description('wait until a build that is no longer current or ramping has no workflow left on it; then its workers may stop')
    .requiredOption('--build-id <id>', 'the old build')
    .option('--wait <seconds>', 'how long to wait at most', positiveNumber, 600)
    .option(...nameOption)
    .action(async (options: { buildId: string; wait: number; name?: string; json?: boolean }) => {
      const ctx = context();
      const name = options.name ?? ctx.deploymentName;
      const deadline = Date.now() + options.wait * 1000;
      for (;;) {
        const view = await deploymentOf(ctx, name);
        knownBuild(view, options.buildId);
        const version = view.versions.find((v) => v.buildId === options.buildId)!;
        if (view.current === options.buildId || view.ramping?.buildId === options.buildId) {
          throw new CliError(`${options.buildId} is ${view.current === options.buildId ? 'current' : 'ramping'}: promote the new build first`);
        }
        // The server re-checks a draining version on its own schedule (matching.wv.VersionDrainageStatusRefreshInterval).
        if (version.drainage === 'drained' || version.status === 'drained' || version.status === 'inactive') {
          printResult(options.json, { name, buildId: options.buildId, drained: true, status: version.status }, () =>
            `${options.buildId} is drained: no workflow is left on it; its workers may stop\n`);
          return;
        }
        if (Date.now() > deadline) {
          throw new CliError(`${options.buildId} is still ${version.drainage ?? version.status} after ${options.wait} s (--wait)`, 1, { status: version.status });
        }
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
    });
}
