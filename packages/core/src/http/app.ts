import type { OutgoingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { KeepwatchError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { openMetricsContentType, prometheusContentType, renderExpositionBytes, wantsOpenMetrics } from '../metrics/exposition.ts';
import type { MetricSink } from '../metrics/family.ts';
import { type ScrapeTimeoutLimits, scrapeBudgetMs } from '../scrape/deadline.ts';
import type { Discovery, TargetScrape } from '../targets/registry.ts';
import { BasicAuthChecker } from '../web-config/basic-auth.ts';
import { TokenBucket } from '../web-config/rate-limit.ts';
import { configStamp, loadWebConfig, type WebConfig } from '../web-config/schema.ts';
import { gzipBody } from './gzip.ts';
import { type LandingPage, landingHtml } from './landing.ts';
import { HttpRefusals } from './refusals.ts';
import { clientCertificateAllowed, tlsServerOptions } from './tls.ts';

export interface HttpAppOptions {
  readonly landing: Omit<LandingPage, 'links'>;
  readonly telemetryPath: string;
  readonly scrapeTimeout: ScrapeTimeoutLimits;
  readonly webConfigFile: string | undefined;
  readonly log: Logger;
  readonly scrape: (budgetMs: number) => Promise<readonly MetricSink[]>;
  /** Where refused requests are counted (the exporter describes them on its telemetry path). */
  readonly refusals?: HttpRefusals;
  /** Serves /scrape?target= when --scrape.config-file is given; without it the path does not exist. */
  readonly scrapeTarget?: (target: string | undefined, budgetMs: number) => Promise<TargetScrape>;
  /** Prometheus http_sd of the targets file's own targets, at /targets. */
  readonly fileTargets?: () => { targets: string[]; labels: Record<string, string> }[];
  /** Prometheus http_sd of the cluster nodes the targets file's seeds report, at `path`. */
  readonly discovery?: { readonly path: string; discover(budgetMs: number): Promise<Discovery> };
}

/** The scrape budget from the scraper's timeout header, or undefined after answering 400. */
function budgetOrReject(request: FastifyRequest, reply: FastifyReply, limits: ScrapeTimeoutLimits): number | undefined {
  try {
    return scrapeBudgetMs(request.headers['x-prometheus-scrape-timeout-seconds'] as string | undefined, limits);
  } catch (error) {
    reply
      .code(400)
      .type('text/plain')
      .send(`${(error as KeepwatchError).toLine()}\n`);
    return undefined;
  }
}

function sendExposition(request: FastifyRequest, reply: FastifyReply, sinks: readonly MetricSink[]): FastifyReply {
  const openMetrics = wantsOpenMetrics(request.headers.accept);
  const bytes = renderExpositionBytes(sinks, openMetrics);
  const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  // The rendered bytes are a view of a buffer the next exposition reuses: compressed or copied right away.
  const body = gzip ? gzipBody(bytes) : Buffer.from(bytes);
  // The body is finished bytes: written to the socket directly rather than through Fastify's reply
  // pipeline (no onSend hook is registered): p50 1.134 -> 1.090 ms in interleaved runs (bench/README.md).
  reply.hijack();
  reply.raw.writeHead(200, {
    ...(reply.getHeaders() as OutgoingHttpHeaders),
    'content-type': openMetrics ? openMetricsContentType : prometheusContentType,
    'content-length': body.length,
    vary: 'Accept-Encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  reply.raw.end(body);
  return reply;
}

function refuseSchemas(): never {
  throw new Error('route schemas are not supported by this server');
}

/**
 * The exporter's HTTP face: landing page, metrics, /-/healthy and /-/ready (neither touches the database),
 * with the web config file enforced on every request and re-read when it or its TLS files change.
 */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const { log, webConfigFile } = options;
  let webConfig: WebConfig | undefined = webConfigFile === undefined ? undefined : loadWebConfig(webConfigFile);
  let stamp = webConfigFile === undefined ? '' : configStamp(webConfigFile, webConfig);
  let bucket = webConfig?.rateLimit === undefined ? undefined : new TokenBucket(webConfig.rateLimit.intervalMs, webConfig.rateLimit.burst);
  const basicAuth = new BasicAuthChecker();
  const refusals = options.refusals ?? new HttpRefusals();

  const app = Fastify({
    logger: false,
    // No route declares a schema: without these factories Fastify loads Ajv and fast-json-stringify
    // (about 100 modules; 1.5 MB of heap, measured from source) for nothing.
    schemaController: { compilersFactory: { buildValidator: refuseSchemas, buildSerializer: refuseSchemas } },
    ...(webConfig?.tls === undefined ? {} : { https: tlsServerOptions(webConfig.tls) }),
  }) as unknown as FastifyInstance;

  const reloadIfChanged = () => {
    if (webConfigFile === undefined) return;
    const next = configStamp(webConfigFile, webConfig);
    if (next === stamp) return;
    const loaded = loadWebConfig(webConfigFile);
    if (loaded.tls !== undefined && webConfig?.tls !== undefined && 'setSecureContext' in app.server) {
      (app.server as unknown as { setSecureContext(options: object): void }).setSecureContext(tlsServerOptions(loaded.tls));
    }
    webConfig = loaded;
    stamp = configStamp(webConfigFile, webConfig);
    bucket = loaded.rateLimit === undefined ? undefined : new TokenBucket(loaded.rateLimit.intervalMs, loaded.rateLimit.burst);
    log.info('web config reloaded', { file: webConfigFile });
  };

  // Without a web config file there is nothing to enforce, and no hook to run on every request.
  if (webConfigFile !== undefined)
    app.addHook('onRequest', async (request, reply) => {
      try {
        reloadIfChanged();
      } catch (error) {
        log.error('web config reload failed; refusing requests until it is fixed', { reason: (error as Error).message });
        return reply.code(500).type('text/plain').send('web config file is invalid; see the exporter log\n');
      }
      const config = webConfig;
      if (config === undefined) return;
      for (const [name, value] of Object.entries(config.headers)) reply.header(name, value);
      if (bucket !== undefined && !bucket.take()) {
        refusals.count('rate_limited');
        return reply.code(429).type('text/plain').send('Too Many Requests\n');
      }
      if (config.tls !== undefined && !clientCertificateAllowed(config.tls, request.raw.socket as TLSSocket)) {
        refusals.count('client_certificate');
        return reply.code(403).type('text/plain').send('client certificate not allowed\n');
      }
      if (config.basicAuthUsers.size === 0) return;
      const auth = await basicAuth.check(config.basicAuthUsers, request.headers.authorization);
      if (auth === 'busy') {
        refusals.count('auth_busy');
        return reply.code(429).header('Retry-After', '1').type('text/plain').send('Too many logins being checked\n');
      }
      if (auth === 'unauthorized') {
        refusals.count('unauthorized');
        return reply.code(401).header('WWW-Authenticate', 'Basic').type('text/plain').send('Unauthorized\n');
      }
    });

  const links = [
    { path: options.telemetryPath, text: 'Metrics' },
    ...(options.fileTargets === undefined ? [] : [{ path: '/targets', text: 'Targets (http_sd)' }]),
    ...(options.discovery === undefined ? [] : [{ path: options.discovery.path, text: 'Cluster nodes (http_sd)' }]),
    { path: '/-/healthy', text: 'Health' },
    { path: '/-/ready', text: 'Readiness' },
  ];
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(landingHtml({ ...options.landing, links })));
  app.get('/-/healthy', async (_request, reply) => reply.type('text/plain').send('Healthy\n'));
  app.get('/-/ready', async (_request, reply) => reply.type('text/plain').send('Ready\n'));

  app.get(options.telemetryPath, async (request, reply) => {
    const budgetMs = budgetOrReject(request, reply, options.scrapeTimeout);
    if (budgetMs === undefined) return reply;
    return sendExposition(request, reply, await options.scrape(budgetMs));
  });

  const scrapeTarget = options.scrapeTarget;
  if (scrapeTarget !== undefined) {
    app.get('/scrape', async (request, reply) => {
      const budgetMs = budgetOrReject(request, reply, options.scrapeTimeout);
      if (budgetMs === undefined) return reply;
      const target = (request.query as Record<string, string | string[] | undefined>).target;
      // Like blackbox_exporter with module: the first value counts when the parameter is repeated.
      const result = await scrapeTarget(Array.isArray(target) ? target[0] : target, budgetMs);
      if ('refused' in result) return reply.code(400).type('text/plain').send(`${result.refused}\n`);
      return sendExposition(request, reply, result.sinks);
    });
  }

  const fileTargets = options.fileTargets;
  if (fileTargets !== undefined) {
    app.get('/targets', async (_request, reply) => reply.type('application/json').send(JSON.stringify(fileTargets())));
  }

  const discovery = options.discovery;
  if (discovery !== undefined) {
    app.get(discovery.path, async (request, reply) => {
      const budgetMs = budgetOrReject(request, reply, options.scrapeTimeout);
      if (budgetMs === undefined) return reply;
      const result = await discovery.discover(budgetMs);
      if ('failed' in result) return reply.code(503).type('text/plain').send(`${result.failed}\n`);
      return reply.type('application/json').send(JSON.stringify(result.groups));
    });
  }

  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain').send('Not Found\n'));
  app.setErrorHandler((error, request, reply) => {
    const path = request.url.split('?')[0];
    const reason = error instanceof Error ? error.message : String(error);
    const status = (error as { statusCode?: unknown }).statusCode;
    // A client's mistake (a 50 MB body, a bad content type) is counted and logged at debug: one line per request would be a log flood.
    if (typeof status === 'number' && status >= 400 && status < 500) {
      refusals.count('bad_request');
      log.debug('request refused', { path, status, reason });
      return reply.code(status).type('text/plain').send('Bad Request\n');
    }
    log.error('request failed', { path, reason });
    return reply.code(500).type('text/plain').send('internal error; see the exporter log\n');
  });
  return app;
}
