// PGlite is ONE PostgreSQL backend: pglite-socket multiplexes every client connection onto that one session, so
// connections see each other's SETs, temporary tables, prepared statements and advisory locks. Isolating them is
// not possible (resetting the session between clients, e.g. DISCARD ALL, would also drop a client's own state
// and the migration runner's advisory lock whenever another client's query came in between), so each client is
// told when it connects: a NOTICE in its session, and a line on the server's stderr.

// pglite is ESM: its types are imported in import mode (this package compiles to CommonJS).
type PGliteType = import("@electric-sql/pglite", { with: { "resolution-mode": "import" }}).PGlite;

/** The NOTICE every client gets right after connecting (psql prints it; node-postgres emits a "notice" event). */
export const sharedSessionMessage =
  "pgvector local server (PGlite): every client connection shares ONE PostgreSQL session: SET, temporary tables, prepared statements and advisory locks of other connections are visible here, and an open transaction makes the others wait";
export const sharedSessionHint =
  "Keep session state to one connection, or use a real PostgreSQL server to test concurrency (docs/local.md).";

/** The server's stderr line when a client connects. */
export function connectionLine(client: string, openConnections: number): string {
  const others = openConnections - 1;
  return `Client ${client} connected (${openConnections} open${others > 0 ? `: it shares the one PGlite session with ${others} other${others === 1 ? "" : "s"}` : ""})`;
}

/** PostgreSQL's protocol 3.0 code, the second int32 of a StartupMessage. */
const protocolVersion3 = 196608;

function isStartupMessage(message: Uint8Array): boolean {
  if (message.length < 8) return false;
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  return view.getInt32(4) === protocolVersion3;
}

/** A NoticeResponse message (protocol 3.0): severity, SQLSTATE 00000, message, hint. */
export function noticeResponse(message: string, hint: string): Buffer {
  const fields = [
    ["S", "NOTICE"],
    ["V", "NOTICE"],
    ["C", "00000"],
    ["M", message],
    ["H", hint],
  ] as const;
  const body = Buffer.concat([
    ...fields.map(([code, value]) =>
      Buffer.concat([Buffer.from(code, "ascii"), Buffer.from(value, "utf8"), Buffer.of(0)]),
    ),
    Buffer.of(0),
  ]);
  const header = Buffer.alloc(5);
  header.write("N", 0, "ascii");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/** ReadyForQuery: 'Z', length 5, status byte. */
const readyForQueryLength = 6;

/**
 * Makes PGlite's answer to each client's StartupMessage carry the shared-session NOTICE, just before its final
 * ReadyForQuery (where a server sends start-up notices). pglite-socket hands each client's messages, the
 * StartupMessage included, to `execProtocolRawStream`; every other message passes through untouched.
 */
export function announceSharedSession(db: PGliteType): void {
  const notice = noticeResponse(sharedSessionMessage, sharedSessionHint);
  const execute = db.execProtocolRawStream.bind(db);
  db.execProtocolRawStream = async (message, options) => {
    if (!isStartupMessage(message) || !options?.onRawData) return execute(message, options);
    const chunks: Uint8Array[] = [];
    await execute(message, { ...options, onRawData: (data) => chunks.push(data) });
    const response = Buffer.concat(chunks);
    const end = response.length - readyForQueryLength;
    const endsReady = end >= 0 && response[end] === "Z".charCodeAt(0);
    options.onRawData(
      endsReady
        ? Buffer.concat([response.subarray(0, end), notice, response.subarray(end)])
        : Buffer.concat([response, notice]),
    );
  };
}
