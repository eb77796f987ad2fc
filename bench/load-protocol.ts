/** Messages between the benchmark and its load-generator process (bench/load-driver.ts). */

export interface WireRequest {
  path: string;
  body: string;
  /** The request uid: the answer must echo it, or it counts as an error. */
  uid: string;
}

export interface LoadRun {
  type: 'run';
  /** Server name; latencies of recorded runs are merged per target. */
  target: string;
  url: string;
  caPem: string;
  connections: number;
  /** Seconds, or a fixed number of requests. */
  length: { seconds: number } | { requests: number };
  /** False for a warm-up: measured and returned, but not merged into the target's totals. */
  record: boolean;
  requests: WireRequest[];
}

/** Milliseconds. */
export interface LatencyFigures {
  p50: number;
  p99: number;
  p999: number;
}

export interface ErrorCounts {
  /** Connection errors and resets. */
  connection: number;
  timeouts: number;
  /** Answers with a status other than 2xx. */
  non2xx: number;
  /** 2xx answers that are not an AdmissionReview response with the request's uid and a boolean `allowed`. */
  wrongAnswers: number;
}

export interface LoadResult {
  type: 'result';
  target: string;
  requests: number;
  seconds: number;
  /** Well-formed answers with allowed: false. */
  denied: number;
  errors: ErrorCounts;
  latency: LatencyFigures;
  /** Latency over every recorded run of this target so far. */
  cumulativeLatency: LatencyFigures;
}

export interface LoadFailure {
  type: 'failed';
  message: string;
}

export type DriverReply = LoadResult | LoadFailure;

export function totalErrors(errors: ErrorCounts): number {
  return errors.connection + errors.timeouts + errors.non2xx + errors.wrongAnswers;
}
