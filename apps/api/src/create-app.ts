import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadConfig, type PulseConfig } from '@pulse/platform/config/pulse-config';
import type { ProjectionsFactory } from '@pulse/platform/nest/projections.module';
import { PulseMetrics } from '@pulse/platform/observability/metrics';
import { AppModule } from './app.module';

const levelsFrom: Record<PulseConfig['PULSE_LOG_LEVEL'], LogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  verbose: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/**
 * Builds the Pulse HTTP application without listening, so tests and the
 * real entry point assemble it the same way.
 */
export async function createApp(
  config: PulseConfig = loadConfig(),
  projections?: ProjectionsFactory,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.PULSE_BODY_LIMIT_BYTES,
    // Request ids tie a client's error report to our log line.
    genReqId: () => crypto.randomUUID(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, projections), adapter, {
    logger: new ConsoleLogger({
      json: config.PULSE_LOG_FORMAT === 'json',
      logLevels: levelsFrom[config.PULSE_LOG_LEVEL],
    }),
  });
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: anything else gets 415 instead of being parsed as a string.
  fastify.removeContentTypeParser(['text/plain']);
  // Nest routes body-parsing errors (bad JSON, too large, wrong type) and
  // unknown routes through ProblemResponseFilter too, so every error has one shape.

  const metrics = app.get(PulseMetrics);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequestSeconds
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
    done();
  });

  const openApi = new DocumentBuilder()
    .setTitle('Pulse')
    .setDescription(
      'Real-time search and recommendations for online shops. Authenticate with `Authorization: Bearer <api key>`; ' +
        'keys have the roles admin, ingest or read.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  app.enableShutdownHooks();
  return app;
}
