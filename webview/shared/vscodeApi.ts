// The webview's side of the host channel, typed with the shared protocol. No state is ever persisted here.

interface VsCodeApi<TOut> {
  postMessage(message: TOut): void;
}

declare function acquireVsCodeApi<TOut>(): VsCodeApi<TOut>;

/** Typed postMessage to the host, and a listener for the host's messages (shape checked by the caller). */
export function connect<TOut, TIn extends { type: string }>(
  onMessage: (message: TIn) => void,
): (message: TOut) => void {
  const api = acquireVsCodeApi<TOut>();
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (data !== null && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string') {
      onMessage(data as TIn);
    }
  });
  return (message) => api.postMessage(message);
}
