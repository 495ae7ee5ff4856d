/**
 * Docker that works (issue 9 item 6) without a Docker engine here: docker-compose.yml is checked
 * against the Compose Specification's JSON schema — test/fixtures/compose-spec.json, vendored
 * from github.com/compose-spec/compose-spec schema/compose-spec.json at commit 170098ba07d9
 * (2026-06-23) — and the deployment's promises are asserted on the parsed file and Dockerfile.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { TEMPORAL_SERVER_VERSION } from '../../tools/infra/cluster/temporal-server-build';
import { TEMPORAL_UI_VERSION } from '../../tools/infra/cluster/temporal-ui-build';
import { TEMPORAL_DATABASES } from '../../tools/infra/cluster/temporal-config';
import { SCHEMA_SCRIPT } from '../../tools/infra/cluster/temporal-schema';
import { KAFKA_CLUSTER_BROKER_SETTINGS } from '../../tools/infra/cluster/kafka-cluster-config';
import { parseSettings } from '../../config/settings';
import { BACKLOG_TASK_QUEUE, CREATION_TASK_QUEUE, TASK_QUEUE } from '../../workflows/contract';

const root = resolve(__dirname, '../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  profiles?: string[];
  environment?: Record<string, string | number>;
  volumes?: Array<string | { type: string; source: string; target: string; read_only?: boolean; bind?: { create_host_path?: boolean } }>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
  init?: boolean;
}
interface Compose { services: Record<string, Service>; volumes: Record<string, unknown> }

// `merge`: the file shares one environment block through a YAML merge key, as Compose reads it.
const compose = parse(read('docker-compose.yml'), { merge: true }) as Compose;
const services = compose.services;
/** The `source:target[:mode]` mounts of a service (the long form is an object). */
const shortMounts = (s: Service): string[] => (s.volumes ?? []).filter((v): v is string => typeof v === 'string');
const service = (name: string): Service => {
  const found = services[name];
  assert.ok(found, `service ${name} exists`);
  return found;
};

function composeValidator() {
  const { $schema: _draft, ...schema } = JSON.parse(read('test/fixtures/compose-spec.json')) as Record<string, unknown>;
  // The spec is draft-07 with a few annotation keywords Ajv's strict mode does not know.
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

describe('docker-compose.yml (issue 9: Docker that works)', () => {
  const validate = composeValidator();

  it('Temporal reads the bridge\'s queues from one partition each, so priority orders all their tasks (issue 15, P8)', () => {
    const temporal = service('temporal');
    const target = String(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH);
    assert.ok(shortMounts(temporal).includes(`./docker/temporal-dynamicconfig.yaml:${target}:ro`), `the file is mounted at ${target}`);
    const dynamic = parse(read('docker/temporal-dynamicconfig.yaml')) as Record<string, Array<{ value: number; constraints: { taskQueueName: string } }>>;
    for (const key of ['matching.numTaskqueueReadPartitions', 'matching.numTaskqueueWritePartitions']) {
      const queues = (dynamic[key] ?? []).filter((v) => v.value === 1).map((v) => v.constraints.taskQueueName).sort();
      assert.deepEqual(queues, [TASK_QUEUE, BACKLOG_TASK_QUEUE, CREATION_TASK_QUEUE].sort(), key);
    }
  });

  it('is valid against the Compose Specification', () => {
    const valid = validate(compose);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
  });

  it('the validator rejects what Compose would reject (negative control)', () => {
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services.bridge!.depends_on = { kafka: { condition: 'when-it-feels-like-it' } };
    assert.equal(validate(broken), false);
    const typo = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    typo.services.kafka!.healthcheks = {};
    assert.equal(validate(typo), false);
  });

  it('Kafka keeps its log dir on a named volume, under a fixed cluster id', () => {
    const kafka = service('kafka');
    const logDir = String(kafka.environment?.KAFKA_LOG_DIRS);
    const mount = shortMounts(kafka).find((v) => v.split(':')[1] === logDir);
    assert.ok(mount, `a volume is mounted at KAFKA_LOG_DIRS=${logDir}`);
    assert.ok(compose.volumes[mount.split(':')[0]!] !== undefined, 'a named volume, not a container path');
    // Kafka's cluster ids are 16 bytes in base64url: 22 characters.
    assert.match(String(kafka.environment?.CLUSTER_ID), /^[A-Za-z0-9_-]{22}$/);
  });

  it('every long-running service that others wait for has a healthcheck; every depends_on names a condition', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.depends_on === undefined) continue;
      assert.ok(!Array.isArray(s.depends_on), `${name}: depends_on with conditions, not a bare list`);
      for (const [dependency, { condition }] of Object.entries(s.depends_on)) {
        assert.ok(['service_healthy', 'service_completed_successfully'].includes(condition), `${name} → ${dependency}: ${condition}`);
        if (condition === 'service_healthy') assert.ok(service(dependency).healthcheck, `${dependency} has a healthcheck (${name} waits for it)`);
      }
    }
    for (const name of ['kafka', 'postgresql', 'temporal', 'bridge']) assert.ok(service(name).healthcheck, `${name} has a healthcheck`);
    const bridgeWaitsFor = Object.keys(service('bridge').depends_on ?? {});
    assert.deepEqual(bridgeWaitsFor.sort(), ['kafka', 'temporal', 'temporal-namespace']);
  });

  it('Temporal is a maintained set-up: temporalio/server on PostgreSQL with a schema step, no auto-setup image', () => {
    for (const [name, s] of Object.entries(services)) assert.doesNotMatch(s.image ?? '', /auto-setup/, `${name} uses no auto-setup image`);
    assert.match(service('temporal').image ?? '', /^temporalio\/server:/);
    assert.equal(service('temporal').environment?.DB, 'postgres12');
    assert.deepEqual(service('temporal').depends_on, { 'temporal-schema': { condition: 'service_completed_successfully' } });
    assert.match(service('temporal-schema').image ?? '', /^temporalio\/admin-tools:/);
    assert.match(service('temporal-ui').image ?? '', /^temporalio\/ui:/);
    // The scripts the set-up mounts exist and do what their services are for.
    for (const [name, script, needle] of [['temporal-schema', 'temporal-setup-schema.sh', 'temporal-sql-tool'], ['temporal-namespace', 'temporal-create-namespace.sh', 'namespace create']] as const) {
      assert.ok(shortMounts(service(name)).some((v) => v.startsWith(`./docker/${script}:`)), `${name} mounts docker/${script}`);
      assert.ok(read(`docker/${script}`).includes(needle), `docker/${script} runs ${needle}`);
    }
  });

  it('the bridge: HTTP on 0.0.0.0 published to the host, no second init, BRIDGE_SECRET_KEY required from the environment', () => {
    const bridge = service('bridge');
    assert.equal(bridge.environment?.HTTP_HOST, '0.0.0.0');
    assert.ok(bridge.ports?.includes(`${bridge.environment?.HTTP_PORT}:${bridge.environment?.HTTP_PORT}`), 'the HTTP port is published');
    // One init: the image's tini (Dockerfile ENTRYPOINT); compose's would put tini under tini.
    assert.equal(bridge.init, undefined);
    assert.match(String(bridge.environment?.BRIDGE_SECRET_KEY), /^\$\{BRIDGE_SECRET_KEY:\?.+\}$/, 'compose refuses to start without the key');
    assert.equal(bridge.environment?.TEMPORAL_ADDRESS, 'temporal:7233');
    assert.equal(bridge.environment?.KAFKA_BROKERS, 'kafka:29092');
    // The server has Worker Deployments on by default (1.30): a rebuilt bridge promotes its own build.
    assert.equal(bridge.environment?.WORKER_VERSION_PROMOTION, '${WORKER_VERSION_PROMOTION:-auto}');
    assert.match(service('temporal').image ?? '', /^temporalio\/server:1\.(2[89]|[3-9]\d)\./, 'a server with Worker Deployment versions (1.28+)');
  });

  it('the bridge requires its config: CONFIG_PATH names a read-only bind of a file that must exist', () => {
    const bridge = service('bridge');
    const configPath = bridge.environment?.CONFIG_PATH;
    assert.ok(configPath, 'CONFIG_PATH is set');
    const mount = bridge.volumes?.find((volume) => typeof volume === 'object' && volume.target === configPath);
    assert.ok(mount && typeof mount === 'object', `${String(configPath)} is mounted`);
    assert.equal(mount.type, 'bind');
    assert.equal(mount.read_only, true);
    assert.equal(mount.bind?.create_host_path, false, 'a missing file stops compose instead of becoming an empty directory');
  });

  it('the monitoring profile runs Prometheus and Grafana on the files in ops/', () => {
    const monitoring = Object.entries(services).filter(([, s]) => s.profiles?.includes('monitoring')).map(([name]) => name);
    assert.deepEqual(monitoring.sort(), ['grafana', 'prometheus']);
    for (const name of monitoring) {
      for (const volume of shortMounts(service(name))) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) assert.ok(existsSync(join(root, source)), `${name} mounts ${source}, which exists`);
      }
    }
  });
});

/**
 * Issue 18, one source of truth: the cluster stack (tools/infra/cluster) is what has been run
 * here; docker-compose.yml, which has not, must describe the same engines.
 */
describe('docker-compose.yml against the cluster stack (issue 18)', () => {
  it('runs the Temporal server and UI versions the cluster stack builds, with admin tools of the server\'s version', () => {
    assert.equal(service('temporal').image, `temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    for (const name of ['temporal-schema', 'temporal-namespace']) assert.equal(service(name).image, `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
    assert.equal(service('temporal-ui').image, `temporalio/ui:${TEMPORAL_UI_VERSION}`, 'the UI server version the cluster stack builds');
  });

  it('sets up the schema with the very script the cluster stack runs, on the same databases', () => {
    assert.equal(SCHEMA_SCRIPT, join(root, 'docker', 'temporal-setup-schema.sh'));
    assert.ok(shortMounts(service('temporal-schema')).some((v) => v.startsWith('./docker/temporal-setup-schema.sh:')));
    const script = read('docker/temporal-setup-schema.sh');
    for (const [database, dir] of [[TEMPORAL_DATABASES.default, 'temporal'], [TEMPORAL_DATABASES.visibility, 'visibility']]) {
      assert.ok(script.includes(`${database}:${dir}`), `the script sets up ${database} from ${dir}/versioned`);
    }
  });

  it('registers the namespace with the retention the bridge uses for a missing one', () => {
    const hours = parseSettings({}).temporalNamespaceRetentionHours;
    assert.match(read('docker/temporal-create-namespace.sh'), new RegExp(`--retention ${hours}h\\b`));
  });

  it('its broker has the cluster\'s settings where one broker can (replication aside: one broker holds one copy)', () => {
    const env = service('kafka').environment ?? {};
    const asEnv = (key: string) => `KAFKA_${key.replace(/\./g, '_').toUpperCase()}`;
    const replication = /replication|min\.insync|min\.isr|process\.roles|num\.(io|network)\.threads|offsets\.topic\.num|share\./;
    const shared = Object.entries(KAFKA_CLUSTER_BROKER_SETTINGS).filter(([key]) => !replication.test(key));
    assert.ok(shared.length >= 4, 'something is compared');
    for (const [key, value] of shared) assert.equal(String(env[asEnv(key)]), value, `${asEnv(key)} as the cluster's ${key}`);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = (keyword: string) => [...dockerfile.matchAll(new RegExp(`^${keyword}\\s+(.+)$`, 'gm'))].map((m) => m[1]!);

  it('without a config the image\'s CMD exits 1 saying so, before it starts anything; the demo is npm start\'s (--demo)', () => {
    const cmd = JSON.parse(/^CMD\s+(\[.+\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    assert.deepEqual(cmd.slice(0, 2), ['node', 'dist/workers/main.js']);
    assert.ok(!cmd.includes('--demo'));
    // As in compose: Temporal and Kafka are elsewhere (here: nowhere), so even a wrong build starts no infra of its own.
    const env: NodeJS.ProcessEnv = {
      ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'image-no-config-')), TEMPORAL_ADDRESS: '127.0.0.1:1', KAFKA_BROKERS: '127.0.0.1:1',
    };
    for (const name of ['CONFIG_PATH', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT']) delete env[name];
    const run = spawnSync(process.execPath, cmd.slice(1), { cwd: root, env, encoding: 'utf8', timeout: 15_000 });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /^bridge not started: CONFIG_PATH is not set\. .*--demo/m);
    assert.doesNotMatch(run.stderr + run.stdout, /\[infra\]|Temporal|Kafka ready|\n\s+at /, 'nothing started, no stack trace');
    assert.match((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start ?? '', /^node dist\/workers\/main\.js --demo$/);
  });

  it('runs on Node 24, the major .ci/run installs, within package.json engines', () => {
    const images = instructions('FROM').map((from) => from.split(/\s+/)[0]!);
    for (const image of images.filter((i) => i.startsWith('node:'))) assert.match(image, /^node:24[-.]/);
    assert.match(read('.ci/run'), /^NODE_MAJOR=24$/m);
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    assert.equal(engines, '>=22');
  });

  it('is non-root, with tini as init, production dependencies only, the workflow bundle built once, a /healthz check', () => {
    const users = instructions('USER');
    assert.ok(users.length > 0 && !['root', '0'].includes(users.at(-1)!), `last USER is not root: ${users.join(', ')}`);
    assert.match(instructions('ENTRYPOINT').at(-1) ?? '', /tini/);
    assert.ok(instructions('RUN').some((run) => /npm ci\b.*--omit=dev/.test(run)), 'npm ci --omit=dev');
    // `npm run build` writes the workflow bundle into dist/ beside the compiled code; the image copies dist/.
    assert.ok(instructions('RUN').includes('npm run build'), 'the build (and its workflow bundle) runs at image build time');
    assert.ok(instructions('COPY').some((copy) => /^--from=build \/app\/dist\b/.test(copy)), 'the image takes dist/ from the build stage');
    assert.match(read('tools/build/build'), /workflow-bundle\.js/);
    assert.match(dockerfile, /^HEALTHCHECK[\s\S]+\/healthz/m);
    const packageJson = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    assert.ok(!('tsx' in packageJson.dependencies) && 'tsx' in packageJson.devDependencies, 'tsx is a dev tool only');
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    for (const entry of ['.env', 'node_modules', '.git', '.data']) assert.ok(ignored.includes(entry), `.dockerignore has ${entry}`);
  });
});
