// The Migrations provider logs through console (as Pulumi shows a dynamic provider's output). Under vitest those
// lines would be printed between the reporter's lines: capture them instead, so tests can assert on them.

export interface ProviderLine {
  stream: "log" | "warn" | "error";
  text: string;
}

type ConsoleMethod = ProviderLine["stream"];
const methods: readonly ConsoleMethod[] = ["log", "warn", "error"];

/** Runs `fn` with console.log/warn/error collected into `lines` instead of printed; restores them afterwards. */
export async function captureConsole<T>(lines: ProviderLine[], fn: () => Promise<T>): Promise<T> {
  const originals = methods.map((method) => [method, console[method]] as const);
  for (const method of methods) {
    console[method] = (...args: unknown[]) => {
      lines.push({ stream: method, text: args.map(String).join(" ") });
    };
  }
  try {
    return await fn();
  } finally {
    for (const [method, original] of originals) console[method] = original;
  }
}
