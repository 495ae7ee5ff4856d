/**
 * Issue 15 item 5 (P8): the stacks this project starts read one task-queue partition, so the
 * backlog's priority orders every task of a queue; a store from before keeps its old partitions
 * read, so none of its tasks is stranded.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { taskQueuePartitions } from '../../tools/infra/task-queue-partitions';

const READ = 'matching.numTaskqueueReadPartitions';
const WRITE = 'matching.numTaskqueueWritePartitions';

describe('task-queue partitions of the project\'s stacks', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'partitions-'));

  it('a new store: one partition read and written, and the marker left for its next start', () => {
    const marker = path.join(dir, 'new.partitions');
    assert.deepEqual(taskQueuePartitions(marker, false), { [WRITE]: '1', [READ]: '1' });
    assert.ok(fs.existsSync(marker));
    assert.deepEqual(taskQueuePartitions(marker, true), { [WRITE]: '1', [READ]: '1' }, 'restarted: still one');
  });

  it('a store from before the rule: written to one partition, its old partitions still read', () => {
    const marker = path.join(dir, 'old.partitions');
    const partitions = taskQueuePartitions(marker, true);
    assert.equal(partitions[READ], undefined, 'the server default (four) stays, so tasks written there drain');
    assert.deepEqual(partitions, { [WRITE]: '1' });
    assert.ok(!fs.existsSync(marker), 'no marker: the next start is just as careful');
  });
});
