// The one ready handshake of the Inspector panel and the simulator view: nothing is posted into a webview whose
// script has not said `ready`, the view's state survives re-creation, and a handed-over token arrives once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReadyGate } from '../../src/vscode/readyGate.ts';
import type { Delivery } from '../../src/vscode/readyGate.ts';

type Message =
  | { type: 'config'; n: number }
  | { type: 'token'; token: string }
  | { type: 'busy' }
  | { type: 'render'; n: number }
  | { type: 'failed' };

function delivery(message: Message): Delivery {
  switch (message.type) {
    case 'config':
      return { kind: 'state', slot: 'config' };
    case 'render':
    case 'failed':
      return { kind: 'state', slot: 'view' };
    case 'token':
      return { kind: 'queued', slot: 'token' };
    case 'busy':
      return { kind: 'live' };
  }
}

function webview(): { sent: Message[]; send: (m: Message) => void } {
  const sent: Message[] = [];
  return { sent, send: (m) => sent.push(m) };
}

void describe('ReadyGate', () => {
  test('holds everything until ready, then sends state and queued messages in order, dropping live ones', () => {
    const gate = new ReadyGate<Message>(delivery);
    const view = webview();
    gate.arm(view.send);
    gate.post({ type: 'busy' });
    gate.post({ type: 'config', n: 1 });
    gate.post({ type: 'token', token: 'a' });
    gate.post({ type: 'config', n: 2 });
    gate.post({ type: 'token', token: 'b' });
    assert.deepEqual(view.sent, [], 'nothing reaches a webview that has not said ready');
    assert.equal(gate.isReady, false);
    gate.open();
    assert.equal(gate.isReady, true);
    assert.deepEqual(view.sent, [
      { type: 'config', n: 2 },
      { type: 'token', token: 'b' },
    ]);
    gate.post({ type: 'busy' });
    assert.deepEqual(view.sent.at(-1), { type: 'busy' }, 'live messages go straight to a ready webview');
  });

  test('a re-created webview gets the latest state again, but a delivered token only once', () => {
    const gate = new ReadyGate<Message>(delivery);
    const first = webview();
    gate.arm(first.send);
    gate.open();
    gate.post({ type: 'render', n: 1 });
    gate.post({ type: 'token', token: 't' });
    gate.post({ type: 'failed' });
    assert.deepEqual(first.sent, [
      { type: 'render', n: 1 },
      { type: 'token', token: 't' },
      { type: 'failed' },
    ]);

    // Hidden: the same webview reloads its script.
    gate.arm();
    gate.post({ type: 'render', n: 2 });
    gate.post({ type: 'busy' });
    assert.equal(first.sent.length, 3, 'nothing is posted while the webview reloads');
    gate.open();
    assert.deepEqual(first.sent.slice(3), [{ type: 'render', n: 2 }]);
    assert.deepEqual(gate.stateOf('view'), { type: 'render', n: 2 });

    // Disposed and resolved again: a new webview, a new sender.
    gate.close();
    gate.post({ type: 'render', n: 3 });
    gate.open();
    assert.equal(first.sent.length, 4, 'a closed gate sends to no one, even when told ready');
    const second = webview();
    gate.arm(second.send);
    gate.open();
    assert.deepEqual(second.sent, [{ type: 'render', n: 3 }]);
    assert.equal(first.sent.length, 4, 'the old webview gets nothing more');
  });

  test('a ready that arrives twice replays the state without duplicating queued messages', () => {
    const gate = new ReadyGate<Message>(delivery);
    const view = webview();
    gate.arm(view.send);
    gate.post({ type: 'config', n: 1 });
    gate.post({ type: 'token', token: 'x' });
    gate.open();
    gate.open();
    assert.deepEqual(view.sent, [
      { type: 'config', n: 1 },
      { type: 'token', token: 'x' },
      { type: 'config', n: 1 },
    ]);
  });

  test('what it holds is bounded by the number of slots, however many messages arrive unready', () => {
    const gate = new ReadyGate<Message>(delivery);
    const view = webview();
    gate.arm(view.send);
    for (let i = 0; i < 100_000; i++) {
      gate.post({ type: 'config', n: i });
      gate.post({ type: 'token', token: String(i) });
      gate.post({ type: 'busy' });
    }
    gate.open();
    assert.deepEqual(view.sent, [
      { type: 'config', n: 99_999 },
      { type: 'token', token: '99999' },
    ]);
  });
});
