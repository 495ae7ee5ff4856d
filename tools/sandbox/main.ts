/**
 * Standalone sandbox: `tsx tools/sandbox/main.ts --port 8090 [--host 127.0.0.1] [--no-rate-limit]
 * [--secret demosecret]`. Starts one portal "demo" (user 1 the senior manager, users 7–9 with
 * extensions 101–103, a second pipeline) and prints its webhook URL. Nothing is persisted:
 * stopping the process forgets every record.
 */
import { startSandbox } from '.';

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const port = Number(option(args, '--port') ?? process.env.SANDBOX_PORT ?? 8090);
  const host = option(args, '--host') ?? '127.0.0.1';
  const rateLimited = !args.includes('--no-rate-limit');
  const sandbox = await startSandbox({
    port,
    host,
    logLevel: process.env.SANDBOX_LOG_LEVEL ?? 'info',
    rateLimit: { enabled: rateLimited, perSecond: 2, burst: 50 },
  });
  sandbox.admin.createPortal({
    id: 'demo',
    users: [
      { id: 1, name: 'Senior', lastName: 'Manager', email: 'senior@demo.example' },
      { id: 7, name: 'Olena', lastName: 'Koval', email: 'olena@demo.example', extension: '101' },
      { id: 8, name: 'Taras', lastName: 'Melnyk', email: 'taras@demo.example', extension: '102' },
      { id: 9, name: 'Iryna', lastName: 'Bondar', email: 'iryna@demo.example', extension: '103' },
    ],
    dealCategories: [{ id: 3, name: 'Новая' }],
  });
  const webhook = sandbox.admin.createWebhook('demo', 1, option(args, '--secret'));
  // The demo's webhook is meant to be copied into a config: printing it is the point here.
  process.stdout.write(
    `Bitrix24 sandbox on ${sandbox.baseUrl} (rate limit ${rateLimited ? 'on' : 'off'})\n` +
      `portal "demo" webhook: ${webhook}\n` +
      `admin API: ${sandbox.baseUrl}/_sandbox/ (see docs/sandbox.md)\n`,
  );
  const shutdown = (): void => {
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
