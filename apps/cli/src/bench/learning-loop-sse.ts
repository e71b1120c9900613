/**
 * SSE clients for the learning-loop bench: one GET /v1/stream/recommendations
 * per followed shopper, timing each `refresh` from the list's `refreshedAt`
 * (set by Pulse when it starts computing the list) to its arrival here.
 * Same machine, same wall clock, so the difference is the delivery latency.
 */
export interface SseArrival {
  readonly shopperId: string;
  readonly trigger: string;
  readonly deliveryMs: number;
}

export function followRefreshes(baseUrl: string, readKey: string, shopperIds: readonly string[]) {
  const controller = new AbortController();
  const arrivals: SseArrival[] = [];
  const errors: string[] = [];
  for (const shopperId of shopperIds) {
    void (async () => {
      const response = await fetch(`${baseUrl}/v1/stream/recommendations?shopperId=${encodeURIComponent(shopperId)}`, {
        headers: { authorization: `Bearer ${readKey}` },
        signal: controller.signal,
      });
      if (response.status !== 200 || !response.body) throw new Error(`SSE for ${shopperId} answered ${response.status}`);
      const decoder = new TextDecoder();
      let text = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const receivedAt = Date.now();
        text += decoder.decode(chunk, { stream: true });
        for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          if (!/^event: refresh$/m.test(block)) continue;
          const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as { trigger: string; refreshedAt: string };
          arrivals.push({ shopperId, trigger: data.trigger, deliveryMs: receivedAt - Date.parse(data.refreshedAt) });
        }
      }
    })().catch((error: unknown) => {
      if ((error as Error).name !== 'AbortError') errors.push(`${shopperId}: ${(error as Error).message}`);
    });
  }
  return { arrivals, errors, close: () => controller.abort() };
}
