import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics for the whole process, served at GET /metrics. One
 * registry object per process (not prom-client's global one) so tests that
 * build several apps don't collide on metric names.
 */
export class PulseMetrics {
  readonly registry = new Registry();

  readonly httpRequestSeconds = new Histogram({
    name: 'pulse_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly eventsIngested = new Counter({
    name: 'pulse_events_ingested_total',
    help: 'Shopper events received over HTTP, by type and outcome (accepted, duplicate, rejected)',
    labelNames: ['type', 'status'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'pulse_' });
  }
}
