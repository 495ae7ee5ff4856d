import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { prioWorkflow } from './wf';
async function main() {
  const tq = `prio-${Date.now()}`;
  const client = new Client({ connection: await Connection.connect({ address: '127.0.0.1:27233' }) });
  // backlog first: 60 low-priority, then 5 high-priority
  const starts = [];
  for (let i = 0; i < 60; i++) starts.push(client.workflow.start(prioWorkflow, { taskQueue: tq, workflowId: `${tq}-low-${i}`, args: [`low${i}`, 5] }));
  await Promise.all(starts);
  for (let i = 0; i < 5; i++) await client.workflow.start(prioWorkflow, { taskQueue: tq, workflowId: `${tq}-high-${i}`, args: [`HIGH${i}`, 1] });
  const order: string[] = [];
  const worker = await Worker.create({ connection: await NativeConnection.connect({ address: '127.0.0.1:27233' }), taskQueue: tq,
    workflowsPath: require.resolve('./wf'), maxConcurrentActivityTaskExecutions: 1,
    activities: { async work(tag: string) { order.push(tag); await new Promise((r) => setTimeout(r, 20)); } } });
  const run = worker.run();
  while (order.length < 65) await new Promise((r) => setTimeout(r, 200));
  console.log(order.map((t, i) => (t.startsWith('HIGH') ? `${i}:${t}` : '')).filter(Boolean).join(' '));
  worker.shutdown(); await run; process.exit(0);
}
main();
