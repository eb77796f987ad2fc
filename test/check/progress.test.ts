import t from 'tap';
import { terminalProgress } from '../../src/check/progress.js';

function fakeTerminal(isTTY: boolean) {
  const writes: string[] = [];
  let clock = 0;
  return { stream: { isTTY, write: (text: string) => writes.push(text) }, writes, advance: (ms: number) => (clock += ms), now: () => clock };
}

t.test('progress stays silent during the first second, then redraws one line and clears it at the end', async (t) => {
  const term = fakeTerminal(true);
  const progress = terminalProgress(term.stream, term.now);
  progress.update('checking', 1, 3);
  t.same(term.writes, []);
  term.advance(1_000);
  progress.update('checking', 2, 3);
  term.advance(10);
  progress.update('checking', 3, 3);
  progress.done();
  t.same(term.writes, ['\r\x1b[Kmeshguard: checking 2/3', '\r\x1b[Kmeshguard: checking 3/3', '\r\x1b[K']);
});

t.test('progress writes nothing when standard error is not a terminal', async (t) => {
  const term = fakeTerminal(false);
  const progress = terminalProgress(term.stream, term.now);
  term.advance(5_000);
  progress.update('checking', 1, 1);
  progress.done();
  t.same(term.writes, []);
});
