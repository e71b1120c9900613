import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ModelTrainingService, type StartedTraining } from '../training/model-training.service';
import { LEARNING_OPTIONS } from './learning.tokens';
import type { LearningOptions } from './learning.options';

/**
 * Full retrains of the learning model, on a schedule
 * (PULSE_LEARNING_RETRAIN_MINUTES) and by admin command: champion/challenger
 * through the registry's training service (the challenger is promoted only
 * if not worse than the champion). A promotion reaches the learning loop as
 * ModelPromoted, and incremental updates continue from the new champion.
 */
@Injectable()
export class FullRetrainScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('FullRetrain');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(LEARNING_OPTIONS) private readonly options: LearningOptions,
    @Optional() private readonly training?: ModelTrainingService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.retrainEveryMs <= 0) return;
    if (!this.training) {
      this.logger.warn('PULSE_LEARNING_RETRAIN_MINUTES is set but the models module is not loaded: no scheduled retrains');
      return;
    }
    this.timer = setInterval(() => {
      this.retrain('schedule').catch((error: unknown) => this.logger.error(`scheduled retrain not started: ${(error as Error).message}`));
    }, this.options.retrainEveryMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async retrain(cause: 'schedule' | 'admin'): Promise<StartedTraining> {
    if (!this.training) throw new Error('model training is not available in this process (models module not loaded)');
    const id = randomUUID();
    const started = await this.training.start(
      this.options.model,
      { autoPromote: true },
      { correlationId: id, causationId: `retrain:${cause}`, receivedAt: new Date().toISOString() },
    );
    this.logger.log(`full retrain (${cause}): ${started.model}@${started.version} on the log up to ${started.untilPosition}`);
    void started.done.then((report) =>
      this.logger.log(
        `full retrain ${report.model}@${report.version}: ${report.status}` +
          (report.promoted !== undefined ? `, ${report.promoted ? 'promoted' : 'not promoted'} (${report.promotion})` : ''),
      ),
    );
    return started;
  }
}
