import { isMainThread, workerData } from 'node:worker_threads';
import { isWriterThreadData, runUsageWriterThread } from '@app/usage/metering/usage-writer-thread';
import { enableUsageWriterThread } from '@app/usage/metering/threaded-usage-writer';

/**
 * The gateway's entry file, which is also the entry of its usage writer thread (a worker started
 * from this same file): the thread runs the writer only, without loading the application (the
 * application's modules are required lazily below, so the thread never evaluates them).
 * USAGE_WRITER_THREAD=off keeps the writer in the gateway's thread (for comparison).
 */
if (!isMainThread && isWriterThreadData(workerData)) {
  runUsageWriterThread(workerData);
} else {
  if (process.env.USAGE_WRITER_THREAD !== 'off' && process.argv[1]) enableUsageWriterThread(process.argv[1]);
  require('./gateway-main'); // eslint-disable-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
}
