// Alias targets for a whole YAML document in one pass. yaml's own `Alias.resolve` walks the entire document
// for every alias, so a file with many aliases costs (aliases x nodes); this table makes each lookup O(1).
import { isAlias, isMap, isNode, isPair, isSeq } from 'yaml';
import type { Alias, Node } from 'yaml';

/** Alias -> the node it names: the last node with that anchor before it in document order, as YAML defines. */
export function aliasTargets(root: unknown): Map<Alias, Node> {
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  // Pre-order, keys before values, iterative (documents can nest deeply).
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const item = pending.pop();
    if (isPair(item)) {
      pending.push(item.value, item.key);
      continue;
    }
    if (!isNode(item)) continue;
    if (isAlias(item)) {
      const target = anchors.get(item.source);
      if (target) targets.set(item, target);
      continue;
    }
    if (item.anchor) anchors.set(item.anchor, item);
    if (isMap(item) || isSeq(item)) {
      const children: readonly unknown[] = item.items;
      for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
    }
  }
  return targets;
}
