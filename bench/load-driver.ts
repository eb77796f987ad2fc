import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { DriverReply, LatencyFigures, LoadResult, LoadRun, WireRequest } from './load-protocol.js';

/**
 * The load generator, forked by the benchmark so that it never shares an event loop with a server:
 * autocannon over HTTPS keep-alive, cycling through the body mix on every connection. Latency is
 * recorded here in microseconds (autocannon's own histogram has millisecond resolution, too coarse
 * for a p99 ratio on loopback).
 */
const REQUEST_TIMEOUT_SECONDS = 10;
const cumulative = new Map<string, RecordableHistogram>();

process.on('message', (message: LoadRun) => {
  run(message).then(reply, (error: unknown) => reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
});
process.on('disconnect', () => process.exit(0));

function reply(message: DriverReply): void {
  process.send?.(message);
}

async function run(command: LoadRun): Promise<LoadResult> {
  const histogram = createHistogram();
  const verdicts = { denied: 0, wrong: 0 };
  const requests = command.requests.map((request) => toAutocannonRequest(request, verdicts));
  const length = 'seconds' in command.length ? { duration: command.length.seconds } : { amount: command.length.requests };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: command.url, connections: command.connections, ...length, requests, timeout: REQUEST_TIMEOUT_SECONDS, tlsOptions: { ca: command.caPem } },
      (error: Error | null, outcome: autocannon.Result) => (error ? reject(error) : resolve(outcome)),
    );
    instance.on('response', (_client, _status, _bytes, milliseconds: number) => histogram.record(Math.max(1, Math.round(milliseconds * 1000))));
  });

  if (command.record) {
    const total = cumulative.get(command.target) ?? createHistogram();
    total.add(histogram);
    cumulative.set(command.target, total);
  }
  return {
    type: 'result',
    target: command.target,
    requests: result.requests.total,
    seconds: result.duration,
    denied: verdicts.denied,
    errors: { connection: result.errors - result.timeouts, timeouts: result.timeouts, non2xx: result.non2xx, wrongAnswers: verdicts.wrong },
    latency: figures(histogram),
    cumulativeLatency: figures(cumulative.get(command.target) ?? histogram),
  };
}

function toAutocannonRequest(request: WireRequest, verdicts: { denied: number; wrong: number }): autocannon.Request {
  return {
    method: 'POST',
    path: request.path,
    headers: { 'content-type': 'application/json' },
    body: request.body,
    onResponse: (status, body) => {
      if (status < 200 || status > 299) return; // counted by autocannon as non2xx
      const allowed = answeredVerdict(body, request.uid);
      if (allowed === undefined) verdicts.wrong++;
      else if (!allowed) verdicts.denied++;
    },
  };
}

/** The answer's `allowed`, or undefined when it is not an AdmissionReview response for this uid. */
function answeredVerdict(body: string, uid: string): boolean | undefined {
  try {
    const review = JSON.parse(body) as { apiVersion?: unknown; kind?: unknown; response?: { uid?: unknown; allowed?: unknown } };
    const ok = review.apiVersion === 'admission.k8s.io/v1' && review.kind === 'AdmissionReview' && review.response?.uid === uid;
    return ok && typeof review.response?.allowed === 'boolean' ? review.response.allowed : undefined;
  } catch {
    return undefined;
  }
}

function figures(histogram: RecordableHistogram): LatencyFigures {
  const ms = (percentile: number) => (histogram.count === 0 ? 0 : histogram.percentile(percentile) / 1000);
  return { p50: ms(50), p99: ms(99), p999: ms(99.9) };
}
