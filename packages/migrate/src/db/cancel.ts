// PostgreSQL's cancel request: a separate short connection that asks the server to cancel the statement a
// backend is running (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-CANCELING-REQUESTS).
// It opens no session: the postmaster reads the 16 bytes and signals the backend; nothing is answered.
import { connect } from "node:net";
import type pg from "pg";

const cancelRequestCode = 80877102;
const sendTimeoutMs = 5_000;

/** Sends a cancel request for the client's backend; resolves when it was sent (or could not be). */
export function sendCancelRequest(client: pg.Client): Promise<void> {
  const { host, port, processID, secretKey } = client as unknown as {
    host: string;
    port: number;
    processID: number | null;
    secretKey: number | null;
  };
  if (processID === null || secretKey === null) return Promise.resolve();
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE(cancelRequestCode, 4);
  packet.writeInt32BE(processID, 8);
  packet.writeInt32BE(secretKey, 12);
  return new Promise((resolve) => {
    const socket = host.startsWith("/") ? connect(`${host}/.s.PGSQL.${port}`) : connect(port, host);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, sendTimeoutMs);
    socket.on("error", done);
    socket.on("close", done);
    socket.on("connect", () => socket.end(packet));
  });
}
