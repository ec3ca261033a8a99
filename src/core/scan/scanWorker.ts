// Worker thread entry (bundled as dist/scanWorker.js): scans the byte ranges it is sent, one at a time, with a
// table that stays warm across ranges and files. Messages: RangeTask in, RangeResult out; `null` ends it.
import { parentPort } from 'node:worker_threads';
import { RangeScanner } from './ranges.ts';
import type { RangeTask } from './ranges.ts';

const port = parentPort;
if (port) {
  const scanner = new RangeScanner();
  port.on('message', (task: RangeTask | null) => {
    if (task === null) {
      scanner.close();
      port.close();
      return;
    }
    port.postMessage(scanner.scan(task));
  });
}
