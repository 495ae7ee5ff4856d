import { Client, Connection } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import { resendProjectEvents } from '/work/main/dispatcher/resend-events';
import { bridgeConfigSchema } from '/work/main/schemas/project-config';
async function main() {
  const topic = process.argv[2]!; const projectId = process.argv[3]!;
  const kafka = new Kafka({ brokers: ['127.0.0.1:29092'], logLevel: logLevel.INFO });
  const temporal = new Client({ connection: await Connection.connect({ address: '127.0.0.1:27233' }) });
  const config = bridgeConfigSchema.parse({ projects: [{ id: projectId, timeZone: 'Europe/Kyiv', defaultCountry: 'UA', seniorManager: 1, employees: [], bitrix24: { webhookUrl: 'http://127.0.0.1:1/rest/1/abcdefabcdef/' } }] });
  const t = Date.now();
  const s = await resendProjectEvents({ kafka, temporal, config, projectId, topic, since: new Date(0), startedAt: new Date(),
    onCheckpoint: (c) => console.log('checkpoint', c.read, c.total, c.calls, Date.now() - t), onProgress: (p) => console.log('progress', p) });
  console.log(s, Date.now() - t);
  process.exit(0);
}
main();
