// A TCP proxy in front of PostgreSQL that can freeze, to emulate a stalled network path: a hung proxy or
// gateway that keeps its sockets open. Once frozen it forwards nothing in either direction and stops reading,
// while its kernel still acknowledges TCP (and keepalive probes): only client-side deadlines can notice.
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";

export interface StallingProxy {
  /** postgres:// URL of the target with host and port replaced by the proxy's. */
  url: string;
  /** Resolves when the proxy froze. */
  frozen: Promise<void>;
  /** Freezes now. */
  freeze(): void;
  close(): Promise<void>;
}

export interface StallingProxyOptions {
  /**
   * Freezes right after forwarding the client's `occurrence`-th (1-based) chunk containing `text`
   * (a query of the engine, e.g. "pg_try_advisory_lock").
   */
  freezeAfter?: { text: string; occurrence?: number };
}

export async function startStallingProxy(
  targetUrl: string,
  options: StallingProxyOptions = {},
): Promise<StallingProxy> {
  const target = new URL(targetUrl);
  const sockets: Socket[] = [];
  let isFrozen = false;
  let seen = 0;
  let markFrozen: () => void = () => {};
  const frozen = new Promise<void>((resolve) => {
    markFrozen = resolve;
  });
  const freeze = () => {
    if (isFrozen) return;
    isFrozen = true;
    for (const socket of sockets) socket.pause();
    markFrozen();
  };
  const forward = (from: Socket, to: Socket, inspect: boolean) => {
    from.on("data", (chunk: Buffer) => {
      if (isFrozen) return;
      to.write(chunk);
      const trigger = options.freezeAfter;
      if (inspect && trigger && chunk.includes(trigger.text)) {
        seen += 1;
        if (seen === (trigger.occurrence ?? 1)) freeze();
      }
    });
    from.on("error", () => {});
    from.on("close", () => {
      if (!isFrozen) to.destroy();
    });
  };
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port), target.hostname);
    sockets.push(client, upstream);
    if (isFrozen) {
      client.pause();
      upstream.pause();
    }
    forward(client, upstream, true);
    forward(upstream, client, false);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);
  return {
    url: url.toString(),
    frozen,
    freeze,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
