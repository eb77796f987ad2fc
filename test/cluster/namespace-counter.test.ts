import t from 'tap';
import { NamespaceCounter } from '../../src/cluster/namespace-counter.js';

t.test('a namespace counter keeps the total and visits only the namespaces whose count is not zero', async (t) => {
  const counter = new NamespaceCounter();
  counter.add('shop', 3);
  counter.add('batch', 2);
  counter.add('shop', -3);
  counter.add('legacy', 0);
  t.equal(counter.total, 2);
  t.equal(counter.size, 1);
  t.equal(counter.get('shop'), 0);
  t.same([...counter.namespaces()], ['batch']);
  t.same(counter.top(3), [], 'an unranked counter keeps no ranking');
});

t.test('a ranked counter lists the highest counts first, ties by name, through increments and decrements', async (t) => {
  const counter = new NamespaceCounter({ ranked: true });
  for (const [namespace, n] of [['b', 2], ['a', 2], ['c', 5], ['d', 1]] as const) counter.add(namespace, n);
  t.same(counter.top(3), [['c', 5], ['a', 2], ['b', 2]]);
  counter.add('c', -4);
  counter.add('d', 3);
  t.same(counter.top(10), [['d', 4], ['a', 2], ['b', 2], ['c', 1]]);
  counter.add('a', -2);
  t.same(counter.top(10), [['d', 4], ['b', 2], ['c', 1]], 'a namespace that drops to zero leaves the ranking');
  t.equal(counter.total, 7);
});
