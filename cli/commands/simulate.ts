import { InvalidArgumentError, type Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { simulateCalls, type CallScenario } from '../call-simulator';
import { registerSimulatedCalls } from '../stand-in-call-log';
import { callEventKey } from '../../schemas/call-event';
import { CliError, type CliContext } from '../context';
import { positiveInteger, positiveNumber } from '../option-parsers';
import { printResult } from '../output';
import { createProgress } from '../progress';

interface SimulateOptions {
  project: string;
  calls: number;
  rate: number;
  seed?: number;
  json?: boolean;
  loseWebhooks?: number;
}

/**
 * Simulated calls are dated this far back, so that even a long call's `call.ended` lies in the
 * past when it is published, as Ringostat's own events do.
 */
const SIMULATED_PAST_MS = 30 * 60 * 1000;

function share(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a share from 0 to 1, e.g. 0.2');
  return n;
}

function seedNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32) throw new InvalidArgumentError('must be an integer from 0 to 4294967295');
  return n;
}

/**
 * `simulate`: realistic call events of one project onto the call-events topic, for demos and
 * load. Calls are released on a schedule of `rate` per second; all events of a call go in one
 * send under the call's key (docs/contracts.md §1), so they stay in order in one partition.
 */
export function registerSimulate(program: Command, context: () => CliContext): void {
  program
    .command('simulate')
    .description('publish realistic call events of a project to Kafka')
    .requiredOption('--project <id>', 'project id (employees come from its config)')
    .option('--calls <n>', 'number of calls', positiveInteger, 10)
    .option('--rate <r>', 'calls per second', positiveNumber, 5)
    .option('--seed <n>', 'seed of the generator: the same seed gives the same calls and event ids (default: random)', seedNumber)
    .option('--lose-webhooks <share>', 'share of calls whose events are not published (B7: the Ringostat stand-in still logs them)', share)
    .action(async (options: SimulateOptions) => {
      const ctx = context();
      const project = await ctx.project(options.project);
      const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
      const calls = simulateCalls({
        projectId: project.id, calls: options.calls, seed, employees: project.employees,
        startAt: new Date(Date.now() - SIMULATED_PAST_MS), meanGapSeconds: 1 / options.rate, loseWebhooks: options.loseWebhooks,
      });
      // Ringostat logs every call, lost webhook or not: the stand-in's call log gets them all.
      const logged = await registerSimulatedCalls(project, calls);
      const lost = calls.filter((call) => call.webhookLost).map((call) => call.callId);
      const published = calls.filter((call) => !call.webhookLost);

      const producer = (await ctx.reachableKafka()).producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const progress = createProgress('simulate');
      const started = performance.now();
      let sent = 0;
      let events = 0;
      try {
        while (sent < calls.length) {
          // Everything due by now goes in one send, so a high rate is not capped by round trips.
          const due = Math.min(calls.length, Math.floor(((performance.now() - started) / 1000) * options.rate) + 1);
          if (due > sent) {
            const batch = calls.slice(sent, due).filter((call) => !call.webhookLost).flatMap((call) => call.events);
            await producer.send({
              topic: ctx.topic,
              messages: batch.map((event) => ({ key: callEventKey(event), value: JSON.stringify(event) })),
            });
            events += batch.length;
            sent = due;
            progress.update(sent, calls.length);
          }
          if (sent < calls.length) await sleep(Math.max(0, started + (sent / options.rate) * 1000 - performance.now()));
        }
      } catch (err) {
        // Some calls are on Kafka already: that is "done in part" (docs/contracts.md §4), like a stopped redrive.
        if (events === 0) throw err;
        const explained = ctx.explain(err);
        throw new CliError(`publishing stopped after ${events} events of ${sent} calls: ${(explained as Error).message}`, 2, { calls: sent, events, seed });
      } finally {
        progress.stop();
        await producer.disconnect();
      }

      const seconds = (performance.now() - started) / 1000;
      const byScenario: Partial<Record<CallScenario, number>> = {};
      for (const call of calls) byScenario[call.scenario] = (byScenario[call.scenario] ?? 0) + 1;
      const result = { projectId: project.id, calls: calls.length, events, topic: ctx.topic, seconds: Number(seconds.toFixed(1)), seed, byScenario, ringostatLogged: logged, webhooksLost: lost };
      printResult(options.json, result, () =>
        `simulated ${calls.length} calls, ${events} events to ${ctx.topic} in ${seconds.toFixed(1)} s ` +
        `(project ${project.id}, seed ${seed})\n` +
        (logged === undefined ? '' : `  ${logged} calls in the Ringostat stand-in's call log\n`) +
        (lost.length === 0 ? '' : `  webhooks lost (not published) of ${lost.length} calls (${published.length} published): ${lost.join(', ')}\n`) +
        `  ${Object.entries(byScenario).map(([scenario, n]) => `${scenario} ${n}`).join(', ')}\n`);
    });
}
