import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The learning loop's Prometheus metrics, on the process registry (GET /metrics). */
export class LearningMetrics {
  readonly lagEvents: Gauge<'model'>;
  readonly lagSeconds: Gauge<'model'>;
  readonly updates: Counter<'model' | 'outcome'>;
  readonly dropped: Counter<'model'>;
  readonly updateSeconds: Histogram<'model'>;
  readonly eventToWeightsSeconds: Histogram<'model'>;
  readonly stepMilliseconds: Histogram<'model'>;
  readonly refreshed: Counter<'trigger'>;

  constructor(registry: Registry, lag: (model: string) => { lagEvents: number; lagMs: number }, model: string) {
    const registers = [registry];
    this.lagEvents = new Gauge({
      name: 'pulse_learning_lag_events',
      help: 'Interactions committed but not yet covered by a finished incremental update',
      labelNames: ['model'] as const,
      registers,
      collect() {
        this.set({ model }, lag(model).lagEvents);
      },
    });
    this.lagSeconds = new Gauge({
      name: 'pulse_learning_lag_seconds',
      help: 'Age of the oldest interaction not yet covered by a finished incremental update',
      labelNames: ['model'] as const,
      registers,
      collect() {
        this.set({ model }, lag(model).lagMs / 1000);
      },
    });
    this.updates = new Counter({
      name: 'pulse_learning_updates_total',
      help: 'Incremental updates by outcome (swapped, kept, skipped, failed)',
      labelNames: ['model', 'outcome'] as const,
      registers,
    });
    this.dropped = new Counter({
      name: 'pulse_learning_dropped_events_total',
      help: 'Interactions dropped by the back-pressure bound (PULSE_LEARNING_MAX_BATCH)',
      labelNames: ['model'] as const,
      registers,
    });
    this.updateSeconds = new Histogram({
      name: 'pulse_learning_update_duration_seconds',
      help: 'Wall time of one incremental update (training, holdout scoring, swap)',
      labelNames: ['model'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.eventToWeightsSeconds = new Histogram({
      name: 'pulse_learning_event_to_weights_seconds',
      help: 'From an interaction being committed to serving weights trained on it',
      labelNames: ['model'] as const,
      buckets: [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300],
      registers,
    });
    this.stepMilliseconds = new Histogram({
      name: 'pulse_learning_step_milliseconds',
      help: 'How long one gradient step or scoring chunk held the event loop',
      labelNames: ['model'] as const,
      buckets: [1, 2.5, 5, 10, 25, 50, 100, 250],
      registers,
    });
    this.refreshed = new Counter({
      name: 'pulse_recommendations_refreshed_total',
      help: 'Recommendation lists refreshed by the learning loop, by trigger',
      labelNames: ['trigger'] as const,
      registers,
    });
  }
}
