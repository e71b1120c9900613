import { Agent, request as httpRequest } from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly body: Buffer;
}

/**
 * GET and POST over node:http with a keep-alive agent of `sockets`
 * connections. Lighter on the CPU than fetch, which matters when the load
 * generator shares two cores with the service it measures.
 */
export class KeepAliveClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, sockets: number) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  get(path: string, key?: string): Promise<HttpAnswer> {
    return this.send('GET', path, key);
  }

  /** Any method; `body` is sent as JSON when given. */
  request(method: string, path: string, key: string, body?: unknown): Promise<HttpAnswer> {
    return this.send(method, path, key, body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, key?: string, payload?: Buffer): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = {};
      if (key) headers.authorization = `Bearer ${key}`;
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = payload.length;
      }
      const req = httpRequest(
        { host: this.host, port: this.port, method, path, agent: this.agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', (error) =>
        reject(new Error(`${method} ${path} failed: ${error.message}`, { cause: error })),
      );
      req.end(payload);
    });
  }
}

/** The body as JSON; throws naming the request when it is not 200. */
export function okJson<T>(answer: HttpAnswer, what: string): T {
  const text = answer.body.toString('utf8');
  if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
