import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DriverReply, LoadResult, LoadRun } from './load-protocol.js';
import { measuredEnvironment } from './processes.js';

const DRIVER = fileURLToPath(new URL('./load-driver.js', import.meta.url));

/** The benchmark's handle on the load-generator process: one run at a time. */
export class LoadGenerator {
  private constructor(private readonly child: ChildProcess) {}

  static start(): LoadGenerator {
    return new LoadGenerator(fork(DRIVER, [], { execArgv: [], env: measuredEnvironment(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  run(command: Omit<LoadRun, 'type'>): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the load generator exited with code ${code} during a run`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: DriverReply) => {
        this.child.off('exit', onExit);
        if (reply.type === 'failed') reject(new Error(`load run against ${command.target} failed: ${reply.message}`));
        else resolve(reply);
      });
      this.child.send({ type: 'run', ...command } satisfies LoadRun);
    });
  }

  close(): void {
    if (this.child.connected) this.child.disconnect();
  }
}
